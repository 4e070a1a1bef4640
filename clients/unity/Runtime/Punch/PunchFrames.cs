using System.Text;
using Orion.Client.Json;
using Orion.Client.Protocol;
using Orion.Client.Relay;

namespace Orion.Client
{
    /// <summary>
    /// The one datagram clients exchange while hole punching, in Orion's own frame format:
    /// <c>orionPunch_hello:base64({"name":"Bob","ack":false})</c>; <c>ack: true</c> answers one.
    /// The same bytes as the TypeScript SDK's <c>encodePunchHello</c>.
    /// </summary>
    public static class PunchFrames
    {
        /// <summary>Every handshake datagram method starts with this; games can skip such datagrams.</summary>
        public const string MethodPrefix = "orionPunch_";

        public static byte[] EncodeHello(PunchHello hello)
        {
            var payload = new JsonObject { { "name", hello.Name }, { "ack", hello.Ack } };
            return FrameCodec.EncodeDatagram(ProtocolMethods.PunchHello, payload);
        }

        /// <summary>True and the hello when <paramref name="datagram"/> is one; false for anything else (game traffic).</summary>
        public static bool TryDecodeHello(byte[] datagram, out PunchHello hello)
        {
            hello = default(PunchHello);
            if (!DatagramPrefix.Matches(datagram, MethodPrefix)) return false;
            var frame = FrameCodec.DecodeDatagram(datagram);
            if (frame == null || frame.Method != ProtocolMethods.PunchHello) return false;
            var name = frame.Payload.GetString("name");
            var ack = frame.Payload.GetBool("ack");
            if (name == null || ack == null) return false;
            hello = new PunchHello(name, ack.Value);
            return true;
        }

        /// <summary>
        /// True for datagrams of the mediation itself (hellos, acks, the relay's bind answers). A game
        /// reading the handed-over socket skips these: a peer's late hello can still arrive.
        /// </summary>
        public static bool IsPunchDatagram(byte[] datagram)
        {
            // The relay's answer to a bind, which a game may also see late on its socket.
            if (RelayFrames.IsRelayBound(datagram)) return true;
            return DatagramPrefix.Matches(datagram, MethodPrefix) && FrameCodec.DecodeDatagram(datagram) != null;
        }
    }
}
