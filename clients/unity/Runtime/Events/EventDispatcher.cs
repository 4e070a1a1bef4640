using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Orion.Client.Events
{
    /// <summary>
    /// Carries events from the client's background threads to the game's thread: posted to a
    /// SynchronizationContext when one is given, otherwise queued until <see cref="Drain"/> (which
    /// <see cref="OrionClient.Poll"/> calls) runs them on the calling thread, in arrival order.
    /// </summary>
    internal sealed class EventDispatcher
    {
        private readonly SynchronizationContext context;
        private readonly ConcurrentQueue<Action> queue = new ConcurrentQueue<Action>();

        public EventDispatcher(SynchronizationContext context)
        {
            this.context = context;
        }

        /// <summary>An exception a handler threw; it does not stop the others.</summary>
        public event Action<Exception> HandlerFailed;

        public void Post(Action raise)
        {
            if (context != null) context.Post(_ => Run(raise), null);
            else queue.Enqueue(raise);
        }

        /// <summary>Runs every queued event; returns how many ran.</summary>
        public int Drain()
        {
            int ran = 0;
            Action raise;
            while (queue.TryDequeue(out raise))
            {
                Run(raise);
                ran++;
            }
            return ran;
        }

        private void Run(Action raise)
        {
            try
            {
                raise();
            }
            catch (Exception error)
            {
                var failed = HandlerFailed;
                if (failed != null) failed(error);
            }
        }
    }
}
