using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Orion.Client.Transport;

namespace Orion.Client.Relay
{
    /// <summary>
    /// Binds this client's side of one relayed pair: sends <c>ptpMediation_relay_bind</c> to the
    /// relay endpoint from the game's socket every <see cref="IntervalMs"/> until
    /// <c>ptpMediation_relay_bound</c> comes back from that very endpoint (<see cref="OnBound"/>),
    /// then calls <c>onBound</c> once. It gives up after <see cref="MaxAttempts"/> sends, as the
    /// TypeScript SDK does; <see cref="Stop"/> ends it sooner. Thread-safe.
    /// </summary>
    internal sealed class RelayBinding
    {
        /// <summary>How often a bind is repeated: UDP may lose either datagram.</summary>
        public const int IntervalMs = 250;
        /// <summary>Binds sent at most: 10 s at the interval above.</summary>
        public const int MaxAttempts = 40;

        private readonly object gate = new object();
        private readonly UdpClient socket;
        private readonly byte[] bindDatagram;
        private readonly Action onBound;
        private Timer timer;
        private int sent;
        private bool done;

        public RelayBinding(UdpClient socket, IPEndPoint relay, byte[] bindDatagram, Action onBound)
        {
            this.socket = socket;
            Relay = relay;
            this.bindDatagram = bindDatagram;
            this.onBound = onBound;
            timer = new Timer(_ => Send(), null, 0, IntervalMs);
        }

        /// <summary>The relay endpoint being bound.</summary>
        public IPEndPoint Relay { get; private set; }

        /// <summary>True once the relay answered.</summary>
        public bool IsBound { get; private set; }

        /// <summary>A <c>ptpMediation_relay_bound</c> came from <paramref name="from"/>: done, if that is this relay endpoint.</summary>
        public void OnBound(IPEndPoint from)
        {
            lock (gate)
            {
                if (done || !Relay.Equals(UdpEndpoints.Normalize(from))) return;
                IsBound = true;
                StopLocked();
            }
            onBound();
        }

        public void Stop()
        {
            lock (gate) StopLocked();
        }

        private void Send()
        {
            lock (gate)
            {
                if (done) return;
                if (sent >= MaxAttempts)
                {
                    StopLocked();
                    return;
                }
                sent++;
            }
            // After the handover the game may close the socket; sending then fails quietly.
            UdpEndpoints.SendQuietly(socket, bindDatagram, Relay);
        }

        private void StopLocked()
        {
            done = true;
            if (timer != null) timer.Dispose();
            timer = null;
        }
    }
}
