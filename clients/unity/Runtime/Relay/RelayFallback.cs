using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Orion.Client.Punch;

namespace Orion.Client.Relay
{
    /// <summary>
    /// One mediation's relay side (docs/protocol.md, "Switching a pair to the relay: the client
    /// convention"), as the TypeScript SDK's: asks for a relay when the mode says so, and for every
    /// pair Orion allocates, asked for or not, moves that peer to the relay and binds this client's
    /// port of it. A pair with an allocation is relayed whatever happened before: Orion tells both
    /// sides at once, and both switching keeps them consistent. Thread-safe; callbacks run outside
    /// its lock.
    /// </summary>
    internal sealed class RelayFallback
    {
        private readonly object gate = new object();
        private readonly UdpClient socket;
        private readonly HolePuncher puncher;
        private readonly RelayMode mode;
        private readonly int relayAfterMs;
        private readonly byte[] bindDatagram;
        private readonly Action<List<string>> requestRelay;
        private readonly Dictionary<string, IPEndPoint> allocations = new Dictionary<string, IPEndPoint>();
        private readonly Dictionary<string, RelayBinding> bindings = new Dictionary<string, RelayBinding>();
        private readonly List<PeerEndpoint> early = new List<PeerEndpoint>();
        private List<PeerEndpoint> peers;
        private Timer askTimer;
        private bool ended;

        public RelayFallback(UdpClient socket, HolePuncher puncher, MediateOptions options, byte[] bindDatagram,
            Action<List<string>> requestRelay)
        {
            this.socket = socket;
            this.puncher = puncher;
            mode = options.Relay;
            relayAfterMs = options.RelayAfterMs;
            this.bindDatagram = bindDatagram;
            this.requestRelay = requestRelay;
        }

        /// <summary>The relay endpoint of this peer answered our bind: hellos to it can go there now.</summary>
        public event Action<string> PeerBound;

        /// <summary>The peer list arrived: asks now, later, or never, as the mode says; then applies allocations that came first.</summary>
        public void Start(List<PeerEndpoint> peerList)
        {
            List<PeerEndpoint> before;
            lock (gate)
            {
                if (ended || peers != null) return;
                peers = peerList;
                before = new List<PeerEndpoint>(early);
                early.Clear();
                if (mode == RelayMode.Fallback)
                    askTimer = new Timer(_ => AskForSilent(), null, Math.Max(0, relayAfterMs), Timeout.Infinite);
            }
            if (mode == RelayMode.Always)
            {
                // No direct hello may count: the pair must not succeed before its relay exists.
                foreach (var peer in peerList) puncher.Relay(peer.Name, null);
                Ask(peerList.Select(peer => peer.Name).ToList());
            }
            Allocated(before);
        }

        /// <summary>The entries of <c>ptpMediation_relay_allocated</c> (name, relay ip and port): relays and binds each of our pairs.</summary>
        public void Allocated(IEnumerable<PeerEndpoint> relays)
        {
            foreach (var relay in relays)
            {
                IPAddress address;
                if (!IPAddress.TryParse(relay.Ip, out address)) continue;
                var endpoint = new IPEndPoint(address, relay.Port);
                lock (gate)
                {
                    if (ended) return;
                    if (peers == null)
                    {
                        early.Add(relay);
                        continue;
                    }
                    if (!peers.Any(peer => peer.Name == relay.Name)) continue;
                    IPEndPoint current;
                    if (allocations.TryGetValue(relay.Name, out current) && current.Equals(endpoint)) continue;
                    allocations[relay.Name] = endpoint;
                    RelayBinding previous;
                    if (bindings.TryGetValue(relay.Name, out previous)) previous.Stop();
                }
                // Forget the direct path before the first bind can be answered.
                puncher.Relay(relay.Name, null);
                string name = relay.Name;
                var binding = new RelayBinding(socket, endpoint, bindDatagram, () => OnBound(name, endpoint));
                lock (gate)
                {
                    if (ended) binding.Stop();
                    else bindings[name] = binding;
                }
            }
        }

        /// <summary>A <c>ptpMediation_relay_bound</c> arrived on the socket from <paramref name="from"/>.</summary>
        public void OnBoundDatagram(IPEndPoint from)
        {
            List<RelayBinding> current;
            lock (gate) current = bindings.Values.ToList();
            foreach (var binding in current) binding.OnBound(from);
        }

        /// <summary>The relay endpoint of <paramref name="name"/>'s pair, or null when it is not relayed.</summary>
        public IPEndPoint EndpointOf(string name)
        {
            lock (gate)
            {
                IPEndPoint endpoint;
                return allocations.TryGetValue(name, out endpoint) ? endpoint : null;
            }
        }

        /// <summary>The peers reached through the relay, in peer-list order.</summary>
        public List<string> Relayed
        {
            get
            {
                lock (gate)
                {
                    if (peers == null) return new List<string>();
                    return peers.Where(peer => allocations.ContainsKey(peer.Name)).Select(peer => peer.Name).ToList();
                }
            }
        }

        /// <summary>
        /// The mediation succeeded: a bind still unanswered goes on, bounded, so that the relay
        /// learns where to send this side's traffic (its answer is then the game's to skip);
        /// nothing else happens any more.
        /// </summary>
        public void HandOver()
        {
            lock (gate)
            {
                ended = true;
                if (askTimer != null) askTimer.Dispose();
                askTimer = null;
            }
        }

        /// <summary>The mediation failed: everything stops.</summary>
        public void Stop()
        {
            HandOver();
            List<RelayBinding> current;
            lock (gate) current = bindings.Values.ToList();
            foreach (var binding in current) binding.Stop();
        }

        private void AskForSilent()
        {
            List<string> silent;
            lock (gate)
            {
                if (ended || peers == null) return;
                // Neither heard from nor already allocated (the other side may have asked first).
                silent = peers.Where(peer => !puncher.HasHeard(peer.Name) && !allocations.ContainsKey(peer.Name))
                    .Select(peer => peer.Name).ToList();
            }
            Ask(silent);
        }

        private void Ask(List<string> peerNames)
        {
            lock (gate) if (ended) return;
            if (peerNames.Count > 0) requestRelay(peerNames);
        }

        private void OnBound(string name, IPEndPoint relay)
        {
            puncher.Relay(name, relay);
            var bound = PeerBound;
            if (bound != null) bound(name);
        }
    }
}
