using System;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Orion.Client.Transport
{
    /// <summary>
    /// The WebSocket to Orion: opens it, reads text messages on a background task and hands each to
    /// <c>onText</c>, sends one message at a time (ClientWebSocket allows no more), and reports the
    /// close code once through <c>onClosed</c> (1006 when the connection simply dropped).
    /// </summary>
    internal sealed class WebSocketLink : IDisposable
    {
        private const int CloseGraceMs = 1000;
        private readonly ClientWebSocket socket = new ClientWebSocket();
        private readonly SemaphoreSlim sending = new SemaphoreSlim(1, 1);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly Uri uri;
        private Action<string> onText;
        private Action<int> onClosed;
        private int closedReported;
        private Task reading;

        /// <summary>The background read, finished once the socket is closed.</summary>
        public Task Reading { get { return reading ?? Task.FromResult(0); } }

        public WebSocketLink(Uri uri)
        {
            this.uri = uri;
        }

        public bool IsOpen { get { return socket.State == WebSocketState.Open; } }

        /// <summary>Opens the socket within <paramref name="timeoutMs"/> and starts reading.</summary>
        public async Task OpenAsync(int timeoutMs, Action<string> textHandler, Action<int> closedHandler)
        {
            onText = textHandler;
            onClosed = closedHandler;
            using (var timeout = new CancellationTokenSource(timeoutMs))
            {
                try
                {
                    await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception error)
                {
                    string why = timeout.IsCancellationRequested ? "no answer within " + timeoutMs + " ms" : Describe(error);
                    throw new OrionConnectionException("Could not open a WebSocket to " + uri + ": " + why, error);
                }
            }
            reading = Task.Run(ReadLoop);
        }

        public async Task SendTextAsync(string text)
        {
            var bytes = new ArraySegment<byte>(Encoding.UTF8.GetBytes(text));
            await sending.WaitAsync().ConfigureAwait(false);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                sending.Release();
            }
        }

        /// <summary>Closes politely (1000), cutting the connection if Orion does not answer in time.</summary>
        public async Task CloseAsync()
        {
            if (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseReceived)
            {
                using (var grace = new CancellationTokenSource(CloseGraceMs))
                {
                    try
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", grace.Token).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // Cut below.
                    }
                }
            }
            // The read loop sees the close too; let it finish, so that one close is reported, and before this returns.
            await Task.WhenAny(Reading, Task.Delay(CloseGraceMs)).ConfigureAwait(false);
            ReportClosed(socket.CloseStatus.HasValue ? (int)socket.CloseStatus.Value : 1000);
            Dispose();
        }

        public void Dispose()
        {
            stop.Cancel();
            try { socket.Abort(); } catch (Exception) { }
            socket.Dispose();
        }

        private async Task ReadLoop()
        {
            var buffer = new byte[16 * 1024];
            var message = new MemoryStream();
            try
            {
                for (;;)
                {
                    var received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), stop.Token).ConfigureAwait(false);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        int code = received.CloseStatus.HasValue ? (int)received.CloseStatus.Value : 1005;
                        try
                        {
                            using (var grace = new CancellationTokenSource(CloseGraceMs))
                                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", grace.Token).ConfigureAwait(false);
                        }
                        catch (Exception)
                        {
                            // Closed either way.
                        }
                        ReportClosed(code);
                        return;
                    }
                    message.Write(buffer, 0, received.Count);
                    if (!received.EndOfMessage) continue;
                    bool text = received.MessageType == WebSocketMessageType.Text;
                    string content = text ? Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length) : null;
                    message.SetLength(0);
                    if (content != null) onText(content);
                }
            }
            catch (Exception)
            {
                ReportClosed(socket.CloseStatus.HasValue ? (int)socket.CloseStatus.Value : 1006);
            }
        }

        private void ReportClosed(int code)
        {
            if (Interlocked.Exchange(ref closedReported, 1) != 0) return;
            var handler = onClosed;
            if (handler != null) handler(code);
        }

        private static string Describe(Exception error)
        {
            var inner = error;
            while (inner.InnerException != null) inner = inner.InnerException;
            return inner == error ? error.Message : error.Message + " (" + inner.Message + ")";
        }
    }
}
