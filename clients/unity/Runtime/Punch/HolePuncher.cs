using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using Orion.Client.Transport;

namespace Orion.Client.Punch
{
    /// <summary>
    /// The answering half of the handshake on one socket: answers every hello with an ack to the
    /// address the hello came from, and remembers where each named peer was last heard from
    /// (hello or ack). Thread-safe; <see cref="Heard"/> is raised on the receiving thread.
    /// </summary>
    internal sealed class HolePuncher
    {
        private readonly object gate = new object();
        private readonly UdpClient socket;
        private readonly Dictionary<string, IPEndPoint> heardFrom = new Dictionary<string, IPEndPoint>();
        private string selfName;

        public HolePuncher(UdpClient socket)
        {
            this.socket = socket;
        }

        /// <summary>Raised after a hello or ack from a peer was recorded.</summary>
        public event Action Heard;

        /// <summary>Who this client is in the lobby, and a clean slate of peers heard from.</summary>
        public void Reset(string name)
        {
            lock (gate)
            {
                selfName = name;
                heardFrom.Clear();
            }
        }

        /// <summary>True when the datagram was a hello or an ack (and so is the handshake's, not the game's).</summary>
        public bool OnDatagram(byte[] datagram, IPEndPoint remote)
        {
            PunchHello hello;
            if (!PunchFrames.TryDecodeHello(datagram, out hello)) return false;
            string name;
            lock (gate)
            {
                name = selfName;
                if (name != null) heardFrom[hello.Name] = UdpEndpoints.Normalize(remote);
            }
            if (name == null) return true;
            if (!hello.Ack) UdpEndpoints.SendQuietly(socket, PunchFrames.EncodeHello(new PunchHello(name, true)), remote);
            var heard = Heard;
            if (heard != null) heard();
            return true;
        }

        /// <summary>Sends one hello to every given peer.</summary>
        public void SendHellos(IEnumerable<PeerEndpoint> peers)
        {
            string name;
            lock (gate) name = selfName;
            if (name == null) return;
            byte[] hello = PunchFrames.EncodeHello(new PunchHello(name, false));
            foreach (var peer in peers) UdpEndpoints.SendQuietly(socket, hello, peer.Ip, peer.Port);
        }

        /// <summary>Where <paramref name="name"/> was heard from, or null.</summary>
        public IPEndPoint EndpointOf(string name)
        {
            lock (gate)
            {
                IPEndPoint endpoint;
                return heardFrom.TryGetValue(name, out endpoint) ? endpoint : null;
            }
        }
    }
}
