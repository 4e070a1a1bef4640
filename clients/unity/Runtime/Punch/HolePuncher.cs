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
    /// (hello or ack). A peer switched to Orion's relay (<see cref="Relay"/>) is sent hellos only at
    /// its relay endpoint, and only hellos and acks from there count as hearing it.
    /// Thread-safe; <see cref="Heard"/> is raised on the receiving thread.
    /// </summary>
    internal sealed class HolePuncher
    {
        private readonly object gate = new object();
        private readonly UdpClient socket;
        private readonly Dictionary<string, IPEndPoint> heardFrom = new Dictionary<string, IPEndPoint>();
        /// <summary>Relayed peers and their relay endpoint; null while that is not bound yet (no hellos, nothing counts).</summary>
        private readonly Dictionary<string, IPEndPoint> relayed = new Dictionary<string, IPEndPoint>();
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
                relayed.Clear();
            }
        }

        /// <summary>A clean slate of peers heard from, for a new mediation; who this client is stays.</summary>
        public void Forget()
        {
            lock (gate)
            {
                heardFrom.Clear();
                relayed.Clear();
            }
        }

        /// <summary>Who this client is, keeping what was heard (the mediation started before the join's answer came).</summary>
        public void Rename(string name)
        {
            lock (gate) selfName = name;
        }

        /// <summary>True when the datagram was a hello or an ack (and so is the handshake's, not the game's).</summary>
        public bool OnDatagram(byte[] datagram, IPEndPoint remote)
        {
            PunchHello hello;
            if (!PunchFrames.TryDecodeHello(datagram, out hello)) return false;
            string name;
            bool counts;
            var source = UdpEndpoints.Normalize(remote);
            lock (gate)
            {
                name = selfName;
                IPEndPoint relay;
                // A relayed peer is heard only through its bound relay endpoint: a late direct
                // hello would point at a path the peer no longer uses.
                counts = name != null && (!relayed.TryGetValue(hello.Name, out relay) || (relay != null && relay.Equals(source)));
                if (counts) heardFrom[hello.Name] = source;
            }
            if (name == null) return true;
            if (!hello.Ack) UdpEndpoints.SendQuietly(socket, PunchFrames.EncodeHello(new PunchHello(name, true)), remote);
            var heard = Heard;
            if (counts && heard != null) heard();
            return true;
        }

        /// <summary>Sends one hello to every given peer: at its relay endpoint when relayed (none until bound).</summary>
        public void SendHellos(IEnumerable<PeerEndpoint> peers)
        {
            string name;
            lock (gate) name = selfName;
            if (name == null) return;
            byte[] hello = PunchFrames.EncodeHello(new PunchHello(name, false));
            foreach (var peer in peers)
            {
                IPEndPoint relay;
                bool isRelayed;
                lock (gate) isRelayed = relayed.TryGetValue(peer.Name, out relay);
                if (!isRelayed) UdpEndpoints.SendQuietly(socket, hello, peer.Ip, peer.Port);
                else if (relay != null) UdpEndpoints.SendQuietly(socket, hello, relay);
            }
        }

        /// <summary>
        /// From now on <paramref name="name"/> is reached through Orion's relay at <paramref name="relay"/>
        /// (null until that is bound): the peer counts as not heard until it answers from there.
        /// </summary>
        public void Relay(string name, IPEndPoint relay)
        {
            lock (gate)
            {
                relayed[name] = relay == null ? null : UdpEndpoints.Normalize(relay);
                heardFrom.Remove(name);
            }
        }

        /// <summary>Whether <paramref name="name"/> has been heard from (through the relay, once it is relayed).</summary>
        public bool HasHeard(string name)
        {
            lock (gate) return heardFrom.ContainsKey(name);
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
