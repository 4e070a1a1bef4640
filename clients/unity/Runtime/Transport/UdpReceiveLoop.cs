using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Orion.Client.Transport
{
    /// <summary>
    /// Reads the client's UDP socket on a background thread while the client owns it. It waits for
    /// data with a short poll instead of a blocking receive, so that <see cref="Stop"/> returns
    /// without having taken a datagram: once stopped, every datagram is left for the game.
    /// </summary>
    internal sealed class UdpReceiveLoop
    {
        private const int PollMicroseconds = 20000;
        private readonly UdpClient socket;
        private readonly Action<byte[], IPEndPoint> onDatagram;
        private readonly Thread thread;
        private volatile bool stopping;

        public UdpReceiveLoop(UdpClient socket, Action<byte[], IPEndPoint> onDatagram)
        {
            this.socket = socket;
            this.onDatagram = onDatagram;
            thread = new Thread(Run) { IsBackground = true, Name = "Orion UDP receive" };
        }

        public void Start() { thread.Start(); }

        /// <summary>Stops reading, and waits until the loop has let go (unless called from the loop itself).</summary>
        public void Stop()
        {
            stopping = true;
            if (Thread.CurrentThread != thread && thread.IsAlive) thread.Join();
        }

        private void Run()
        {
            var any = socket.Client.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            while (!stopping)
            {
                byte[] datagram;
                IPEndPoint remote = new IPEndPoint(any, 0);
                try
                {
                    if (!socket.Client.Poll(PollMicroseconds, SelectMode.SelectRead) || stopping) continue;
                    datagram = socket.Receive(ref remote);
                }
                catch (SocketException)
                {
                    continue; // An ICMP error for an earlier send; the socket is still good.
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                try
                {
                    onDatagram(datagram, remote);
                }
                catch (Exception)
                {
                    // A handler fault must not end the loop.
                }
            }
        }
    }
}
