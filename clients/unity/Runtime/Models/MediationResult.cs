using System.Collections.Generic;
using System.Net.Sockets;

namespace Orion.Client
{
    /// <summary>How a mediation ended well: the punched socket, now the game's, every peer, and which of them are relayed.</summary>
    public sealed class MediationResult
    {
        public MediationResult(UdpClient socket, List<PeerEndpoint> peers)
            : this(socket, peers, new List<string>())
        {
        }

        public MediationResult(UdpClient socket, List<PeerEndpoint> peers, List<string> relayed)
        {
            Socket = socket;
            Peers = peers;
            Relayed = relayed;
        }

        /// <summary>
        /// The client's UDP socket, punched through to every peer. It now belongs to the game:
        /// read and write it yourself, and close it when done (<see cref="OrionClient.Dispose"/>
        /// no longer does). Skip datagrams for which <see cref="PunchFrames.IsPunchDatagram"/> is true.
        /// </summary>
        public UdpClient Socket { get; private set; }

        /// <summary>
        /// Every peer as reached: the address and port it answered from, or for a relayed peer the
        /// relay endpoint Orion gave (send its game traffic there; its datagrams come from there).
        /// </summary>
        public List<PeerEndpoint> Peers { get; private set; }

        /// <summary>The names of the peers reached through Orion's relay, in peer-list order (empty when every pair punched).</summary>
        public List<string> Relayed { get; private set; }

        /// <summary>True when <paramref name="peerName"/> is reached through Orion's relay.</summary>
        public bool IsRelayed(string peerName) { return Relayed.Contains(peerName); }
    }
}
