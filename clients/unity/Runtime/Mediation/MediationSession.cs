using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Orion.Client.Punch;
using Orion.Client.Relay;
using Orion.Client.Transport;

namespace Orion.Client.Mediation
{
    /// <summary>
    /// One client's part of a mediation, from the peer list to <c>ptpMediation_success</c>: sends
    /// hellos to every peer not heard from yet on the <see cref="PunchSchedule"/> (through Orion's
    /// relay for the pairs <see cref="RelayFallback"/> moved there), reports success once every peer
    /// has answered, and completes with the peers as reached. Every way it can end without success
    /// fails the task with an exception saying which. Thread-safe.
    /// </summary>
    internal sealed class MediationSession
    {
        private readonly object gate = new object();
        private readonly HolePuncher puncher;
        private readonly MediateOptions options;
        private readonly Action reportSuccess;
        private readonly RelayFallback relay;
        private readonly TaskCompletionSource<MediationResult> outcome =
            new TaskCompletionSource<MediationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        private List<PeerEndpoint> peers;
        private Timer retryTimer;
        private Timer deadlineTimer;
        private Timer startTimer;
        private int attempt;
        private bool reported;
        private bool settled;

        public MediationSession(HolePuncher puncher, MediateOptions options, Action reportSuccess, RelayFallback relay)
        {
            this.puncher = puncher;
            this.options = options;
            this.reportSuccess = reportSuccess;
            this.relay = relay;
            puncher.Heard += CheckHeard;
            relay.PeerBound += OnPeerBound;
            if (options.StartTimeoutMs > 0)
            {
                int waitMs = options.StartTimeoutMs;
                startTimer = new Timer(_ => Fail(new MediationInterruptedException(
                    "No ptpMediation_peersConnection_start arrived within " + waitMs + " ms.")), null, waitMs, Timeout.Infinite);
            }
        }

        /// <summary>Completes with every peer as reached once Orion says the mediation succeeded.</summary>
        public Task<MediationResult> Outcome { get { return outcome.Task; } }

        /// <summary>The peer list arrived: punching starts (once; later lists are ignored).</summary>
        public void Start(List<PeerEndpoint> peerList)
        {
            lock (gate)
            {
                if (settled || peers != null) return;
                peers = peerList;
                DisposeTimer(ref startTimer);
                deadlineTimer = new Timer(_ => OnDeadline(), null, options.PunchTimeoutMs, Timeout.Infinite);
                retryTimer = new Timer(_ => SendRound(), null, Timeout.Infinite, Timeout.Infinite);
            }
            // Before counting anything: in Always mode no direct hello may count.
            relay.Start(peerList);
            // A peer may have punched us before our own list arrived.
            CheckHeard();
            SendRound();
        }

        /// <summary>True once this client reported success, so that <c>ptpMediation_success</c> is ours.</summary>
        public bool HasReported
        {
            get { lock (gate) return reported && !settled; }
        }

        /// <summary>Orion said every member succeeded: completes with the peers as reached, and the socket now the game's.</summary>
        public void Succeed(UdpClient socket)
        {
            List<PeerEndpoint> reached;
            lock (gate)
            {
                if (settled || !reported) return;
                // Read now, not when the punch completed: a pair may have moved to the relay since.
                reached = peers.Select(peer =>
                {
                    IPEndPoint source = relay.EndpointOf(peer.Name) ?? puncher.EndpointOf(peer.Name);
                    return source == null
                        ? peer
                        : new PeerEndpoint(peer.Name, UdpEndpoints.AddressText(source), source.Port);
                }).ToList();
                Settle();
            }
            relay.HandOver();
            outcome.TrySetResult(new MediationResult(socket, reached, relay.Relayed));
        }

        public void Fail(Exception error)
        {
            lock (gate)
            {
                if (settled) return;
                Settle();
            }
            relay.Stop();
            outcome.TrySetException(error);
        }

        /// <summary>A <c>ptpMediation_relay_allocated</c> arrived (before or after the peer list).</summary>
        public void RelayAllocated(List<PeerEndpoint> relays) { relay.Allocated(relays); }

        /// <summary>A <c>ptpMediation_relay_bound</c> arrived from <paramref name="from"/>.</summary>
        public void RelayBound(IPEndPoint from) { relay.OnBoundDatagram(from); }

        private void SendRound()
        {
            List<PeerEndpoint> pending;
            lock (gate)
            {
                if (settled || reported || peers == null) return;
                pending = Pending();
                if (pending.Count == 0) return;
                attempt++;
                retryTimer.Change(options.Schedule.DelayMs(attempt), Timeout.Infinite);
            }
            puncher.SendHellos(pending);
        }

        // The relay took our bind: greet the peer there at once rather than at the next round.
        private void OnPeerBound(string name)
        {
            List<PeerEndpoint> peer;
            lock (gate)
            {
                if (settled || peers == null) return;
                peer = peers.Where(p => p.Name == name).ToList();
            }
            puncher.SendHellos(peer);
        }

        private void CheckHeard()
        {
            lock (gate)
            {
                if (settled || reported || peers == null || Pending().Count > 0) return;
                reported = true;
                DisposeTimer(ref retryTimer);
                DisposeTimer(ref deadlineTimer);
            }
            try
            {
                reportSuccess();
            }
            catch (Exception error)
            {
                Fail(error);
            }
        }

        private void OnDeadline()
        {
            List<PeerEndpoint> silent;
            lock (gate)
            {
                if (settled || reported) return;
                silent = Pending();
            }
            Fail(new PunchFailedException(silent, options.PunchTimeoutMs));
        }

        private List<PeerEndpoint> Pending()
        {
            return peers.Where(peer => puncher.EndpointOf(peer.Name) == null).ToList();
        }

        private void Settle()
        {
            settled = true;
            puncher.Heard -= CheckHeard;
            relay.PeerBound -= OnPeerBound;
            DisposeTimer(ref retryTimer);
            DisposeTimer(ref deadlineTimer);
            DisposeTimer(ref startTimer);
        }

        private static void DisposeTimer(ref Timer timer)
        {
            if (timer != null) timer.Dispose();
            timer = null;
        }
    }
}
