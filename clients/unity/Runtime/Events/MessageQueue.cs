using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Orion.Client.Json;

namespace Orion.Client.Events
{
    /// <summary>
    /// Server messages kept for <see cref="OrionClient.NextAsync"/>: each call takes the oldest
    /// message of its kind no earlier call took, or waits for the next one, so a caller can ask
    /// after the message arrived without racing it. Bounded per kind; thread-safe.
    /// </summary>
    internal sealed class MessageQueue
    {
        private const int MaxUnreadPerMethod = 256;
        private readonly object gate = new object();
        private readonly Dictionary<string, Queue<JsonObject>> unread = new Dictionary<string, Queue<JsonObject>>();
        private readonly Dictionary<string, List<TaskCompletionSource<JsonObject>>> waiters =
            new Dictionary<string, List<TaskCompletionSource<JsonObject>>>();
        private Exception closedBecause;

        public void Push(string method, JsonObject payload)
        {
            TaskCompletionSource<JsonObject> waiter = null;
            lock (gate)
            {
                List<TaskCompletionSource<JsonObject>> list;
                if (waiters.TryGetValue(method, out list) && list.Count > 0)
                {
                    waiter = list[0];
                    list.RemoveAt(0);
                }
                else
                {
                    Queue<JsonObject> queue;
                    if (!unread.TryGetValue(method, out queue)) unread[method] = queue = new Queue<JsonObject>();
                    queue.Enqueue(payload);
                    if (queue.Count > MaxUnreadPerMethod) queue.Dequeue();
                }
            }
            if (waiter != null) waiter.TrySetResult(payload);
        }

        public Task<JsonObject> NextAsync(string method, int timeoutMs)
        {
            var waiter = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                Queue<JsonObject> queue;
                if (unread.TryGetValue(method, out queue) && queue.Count > 0) return Task.FromResult(queue.Dequeue());
                if (closedBecause != null) { waiter.SetException(closedBecause); return waiter.Task; }
                List<TaskCompletionSource<JsonObject>> list;
                if (!waiters.TryGetValue(method, out list)) waiters[method] = list = new List<TaskCompletionSource<JsonObject>>();
                list.Add(waiter);
            }
            var timer = new Timer(_ =>
            {
                lock (gate)
                {
                    List<TaskCompletionSource<JsonObject>> list;
                    if (waiters.TryGetValue(method, out list)) list.Remove(waiter);
                }
                waiter.TrySetException(new TimeoutException("Timed out after " + timeoutMs + " ms waiting for " + method + "."));
            }, null, timeoutMs, Timeout.Infinite);
            waiter.Task.ContinueWith(_ => timer.Dispose(), TaskContinuationOptions.ExecuteSynchronously);
            return waiter.Task;
        }

        /// <summary>No more messages will come: every waiter, now and later, fails with <paramref name="error"/>.</summary>
        public void Close(Exception error)
        {
            var failing = new List<TaskCompletionSource<JsonObject>>();
            lock (gate)
            {
                if (closedBecause == null) closedBecause = error;
                foreach (var list in waiters.Values) failing.AddRange(list);
                waiters.Clear();
            }
            foreach (var waiter in failing) waiter.TrySetException(closedBecause);
        }
    }
}
