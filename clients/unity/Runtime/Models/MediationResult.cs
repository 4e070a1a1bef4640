using System.Collections.Generic;
using System.Net.Sockets;

namespace Orion.Client
{
    /// <summary>How a mediation ended well: the punched socket, now the game's, and every peer.</summary>
    public sealed class MediationResult
    {
        public MediationResult(UdpClient socket, List<PeerEndpoint> peers)
        {
            Socket = socket;
            Peers = peers;
        }

        /// <summary>
        /// The client's UDP socket, punched through to every peer. It now belongs to the game:
        /// read and write it yourself, and close it when done (<see cref="OrionClient.Dispose"/>
        /// no longer does). Skip datagrams for which <see cref="PunchFrames.IsPunchDatagram"/> is true.
        /// </summary>
        public UdpClient Socket { get; private set; }

        /// <summary>Every peer as reached: the address and port it answered from.</summary>
        public List<PeerEndpoint> Peers { get; private set; }
    }
}
