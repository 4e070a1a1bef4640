using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Orion.Client.Transport;

namespace Orion.Client.Punch
{
    /// <summary>
    /// One client's part of a mediation, from the peer list to <c>ptpMediation_success</c>: sends
    /// hellos to every peer not heard from yet on the <see cref="PunchSchedule"/>, reports success
    /// once every peer has answered, and completes with the peers as reached. Every way it can end
    /// without success fails the task with an exception saying which. Thread-safe.
    /// </summary>
    internal sealed class MediationSession
    {
        private readonly object gate = new object();
        private readonly HolePuncher puncher;
        private readonly MediateOptions options;
        private readonly Action reportSuccess;
        private readonly TaskCompletionSource<List<PeerEndpoint>> outcome =
            new TaskCompletionSource<List<PeerEndpoint>>(TaskCreationOptions.RunContinuationsAsynchronously);
        private List<PeerEndpoint> peers;
        private Timer retryTimer;
        private Timer deadlineTimer;
        private Timer startTimer;
        private int attempt;
        private bool reported;
        private bool settled;

        public MediationSession(HolePuncher puncher, MediateOptions options, Action reportSuccess)
        {
            this.puncher = puncher;
            this.options = options;
            this.reportSuccess = reportSuccess;
            puncher.Heard += CheckHeard;
            if (options.StartTimeoutMs > 0)
            {
                int waitMs = options.StartTimeoutMs;
                startTimer = new Timer(_ => Fail(new MediationInterruptedException(
                    "No ptpMediation_peersConnection_start arrived within " + waitMs + " ms.")), null, waitMs, Timeout.Infinite);
            }
        }

        /// <summary>Completes with every peer as reached once Orion says the mediation succeeded.</summary>
        public Task<List<PeerEndpoint>> Outcome { get { return outcome.Task; } }

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
            // A peer may have punched us before our own list arrived.
            CheckHeard();
            SendRound();
        }

        /// <summary>True once this client reported success, so that <c>ptpMediation_success</c> is ours.</summary>
        public bool HasReported
        {
            get { lock (gate) return reported && !settled; }
        }

        /// <summary>Orion said every member succeeded: completes with the peers as reached.</summary>
        public void Succeed()
        {
            List<PeerEndpoint> reached;
            lock (gate)
            {
                if (settled || !reported) return;
                reached = peers.Select(peer =>
                {
                    IPEndPoint source = puncher.EndpointOf(peer.Name);
                    return source == null
                        ? peer
                        : new PeerEndpoint(peer.Name, UdpEndpoints.AddressText(source), source.Port);
                }).ToList();
                Settle();
            }
            outcome.TrySetResult(reached);
        }

        public void Fail(Exception error)
        {
            lock (gate)
            {
                if (settled) return;
                Settle();
            }
            outcome.TrySetException(error);
        }

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
