using System.Net;
using Orion.Client.Events;
using Orion.Client.Mediation;
using Orion.Client.Punch;
using Orion.Client.Relay;
using Orion.Client.Transport;

namespace Orion.Client.Routing
{
    /// <summary>
    /// Where each datagram on the client's UDP socket goes while the client owns it: hellos and
    /// acks to the hole puncher, the relay's bind answers to the mediation, other handshake
    /// datagrams nowhere, and anything else to <see cref="OrionClient.GameDatagramReceived"/>.
    /// Runs on the UDP receive thread.
    /// </summary>
    internal sealed class DatagramRouter
    {
        private readonly HolePuncher puncher;
        private readonly MediationCoordinator mediation;
        private readonly ClientEvents events;

        public DatagramRouter(HolePuncher puncher, MediationCoordinator mediation, ClientEvents events)
        {
            this.puncher = puncher;
            this.mediation = mediation;
            this.events = events;
        }

        public void OnDatagram(byte[] datagram, IPEndPoint remote)
        {
            if (puncher.OnDatagram(datagram, remote)) return;
            if (RelayFrames.IsRelayBound(datagram))
            {
                mediation.OnRelayBound(remote);
                return;
            }
            if (PunchFrames.IsPunchDatagram(datagram)) return;
            events.RaiseGameDatagramReceived(datagram, UdpEndpoints.Normalize(remote));
        }
    }
}
