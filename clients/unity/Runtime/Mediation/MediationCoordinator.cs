using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Orion.Client.Punch;
using Orion.Client.Relay;
using Orion.Client.Transport;

namespace Orion.Client.Mediation
{
    /// <summary>
    /// Ties the client's mediations together across the messages that drive them: answers every
    /// <c>ptpMediation_send</c> from the game's socket, keeps the peer list and relay allocations
    /// until <see cref="RunAsync"/> takes them (they may come first, even before the answer to
    /// the join), feeds later ones to the running <see cref="MediationSession"/>, and on
    /// <c>ptpMediation_success</c> hands the socket over. Thread-safe.
    /// </summary>
    internal sealed class MediationCoordinator
    {
        private readonly object gate = new object();
        private readonly UdpClient socket;
        private readonly IPAddress udpHost;
        private readonly HolePuncher puncher;
        private readonly OutgoingMessages outgoing;
        private readonly Action releaseSocket;
        private readonly List<PeerEndpoint> knownRelays = new List<PeerEndpoint>();
        private bool running;
        private List<PeerEndpoint> knownPeers;
        private MediationSession session;
        private bool handedOver;

        /// <param name="releaseSocket">Stops the client's own reads of the socket, before the game gets it.</param>
        public MediationCoordinator(UdpClient socket, IPAddress udpHost, HolePuncher puncher, OutgoingMessages outgoing,
            Action releaseSocket)
        {
            this.socket = socket;
            this.udpHost = udpHost;
            this.puncher = puncher;
            this.outgoing = outgoing;
            this.releaseSocket = releaseSocket;
        }

        /// <summary>True once a mediation succeeded: the socket is the game's, and the client must not close it.</summary>
        public bool SocketHandedOver { get { lock (gate) return handedOver; } }

        /// <summary>
        /// Host or Join was answered: this client is <paramref name="name"/> in its lobby. A host may
        /// start the mediation the moment we are in, so its <c>ptpMediation_send</c> and peer list
        /// can arrive before Orion's answer to our join: a mediation already running is kept, and
        /// only learns our name. Otherwise nothing of an earlier lobby's is kept.
        /// </summary>
        public void EnteredLobby(string name)
        {
            lock (gate)
            {
                if (running)
                {
                    puncher.Rename(name);
                    return;
                }
                knownPeers = null;
                knownRelays.Clear();
                puncher.Reset(name);
            }
        }

        /// <summary>
        /// Answers a <c>ptpMediation_send</c> with one <c>ptpMediation_connect</c> to Orion's UDP
        /// <paramref name="port"/>. True for the first of a mediation, which starts it afresh.
        /// </summary>
        public bool OnMediationSend(int port)
        {
            bool first;
            lock (gate)
            {
                first = !running;
                if (first)
                {
                    // A new mediation: only hellos from now on count.
                    running = true;
                    knownPeers = null;
                    knownRelays.Clear();
                    puncher.Forget();
                }
            }
            // Every request gets one datagram, from the socket the peers will use.
            UdpEndpoints.SendQuietly(socket, outgoing.MediationConnectDatagram(), new IPEndPoint(udpHost, port));
            return first;
        }

        /// <summary><c>ptpMediation_peersConnection_start</c>: kept for <see cref="RunAsync"/>, or given to the running session.</summary>
        public void OnPeerList(List<PeerEndpoint> peers)
        {
            MediationSession current;
            lock (gate)
            {
                knownPeers = peers;
                current = session;
            }
            if (current != null) current.Start(peers);
        }

        /// <summary><c>ptpMediation_relay_allocated</c>: kept for <see cref="RunAsync"/>, or given to the running session.</summary>
        public void OnRelayAllocated(List<PeerEndpoint> relays)
        {
            MediationSession current;
            lock (gate)
            {
                knownRelays.AddRange(relays);
                current = session;
            }
            if (current != null) current.RelayAllocated(relays);
        }

        /// <summary>A <c>ptpMediation_relay_bound</c> datagram arrived from <paramref name="from"/>.</summary>
        public void OnRelayBound(IPEndPoint from)
        {
            MediationSession current;
            lock (gate) current = session;
            if (current != null) current.RelayBound(from);
        }

        /// <summary><c>ptpMediation_success</c>: when this client reported its own, the socket goes to the game.</summary>
        public void OnSuccess()
        {
            MediationSession current;
            lock (gate)
            {
                Forget();
                current = session;
                if (current == null || !current.HasReported) return;
                handedOver = true;
            }
            // The client's reads stop before the game gets the socket.
            releaseSocket();
            current.Succeed(socket);
        }

        /// <summary>The mediation ended without success (aborted, lobby or connection closed): a running session fails with <paramref name="reason"/>.</summary>
        public void End(Exception reason)
        {
            MediationSession current;
            lock (gate)
            {
                Forget();
                current = session;
            }
            if (current != null) current.Fail(reason);
        }

        /// <summary>One <see cref="MediationSession"/>, started with what already came; completes with its outcome.</summary>
        public async Task<MediationResult> RunAsync(MediateOptions options)
        {
            MediationSession current;
            List<PeerEndpoint> peers, relays;
            lock (gate)
            {
                if (session != null) throw new InvalidOperationException("MediateAsync is already running for this client.");
                var relay = new RelayFallback(socket, puncher, options, outgoing.RelayBindDatagram(), outgoing.RequestRelay);
                current = session = new MediationSession(puncher, options, ReportSuccess, relay);
                peers = knownPeers;
                relays = new List<PeerEndpoint>(knownRelays);
            }
            // Allocations that came first wait in the session until the peer list is there.
            current.RelayAllocated(relays);
            if (peers != null) current.Start(peers);
            try
            {
                return await current.Outcome.ConfigureAwait(false);
            }
            finally
            {
                lock (gate) if (session == current) session = null;
            }
        }

        private void ReportSuccess()
        {
            // Not waited for here (this may be the UDP thread); a failed send ends the mediation.
            outgoing.ReportPunchSuccessAsync().ContinueWith(sent =>
            {
                var failure = sent.Exception == null ? null : sent.Exception.GetBaseException();
                End(new MediationInterruptedException("Could not report success to Orion: " + failure.Message));
            }, TaskContinuationOptions.OnlyOnFaulted);
        }

        // Under the gate: no mediation runs, and nothing of the last one is kept.
        private void Forget()
        {
            running = false;
            knownPeers = null;
            knownRelays.Clear();
        }
    }
}
