using Orion.Client.Json;
using Orion.Client.Protocol;

namespace Orion.Client.Relay
{
    /// <summary>The two datagrams of a relay bind (docs/protocol.md, "ptpMediation_relay_bind and ptpMediation_relay_bound").</summary>
    internal static class RelayFrames
    {
        private const string BoundPrefix = ProtocolMethods.RelayBound + ":";

        /// <summary><c>ptpMediation_relay_bind:base64({"token":"…"})</c>, which claims this client's side of a relayed pair.</summary>
        public static byte[] EncodeBind(string token)
        {
            return FrameCodec.EncodeDatagram(ProtocolMethods.RelayBind, new JsonObject { { "token", token } });
        }

        /// <summary>True for the relay's answer to a bind; its payload carries nothing the client needs.</summary>
        public static bool IsRelayBound(byte[] datagram)
        {
            return DatagramPrefix.Matches(datagram, BoundPrefix);
        }
    }
}
