using System.Threading;

namespace Orion.Client
{
    /// <summary>Where Orion is, and how this client talks to it.</summary>
    public sealed class OrionClientOptions
    {
        /// <summary>Orion's HTTP and WebSocket address (one port), e.g. <c>http://127.0.0.1:5980</c>.</summary>
        public string Url;

        /// <summary>Where <c>ptpMediation_connect</c> goes; default: the URL's host.</summary>
        public string UdpHost;

        /// <summary>Bind address of the UDP socket; default any (0.0.0.0, or :: for an IPv6 Orion).</summary>
        public string LocalAddress;

        /// <summary>Bind port of the UDP socket; default 0 (any free port).</summary>
        public int LocalPort;

        /// <summary>Limit for the WebSocket to open and <c>client_registered</c> to arrive; default 5000 ms.</summary>
        public int ConnectTimeoutMs = 5000;

        /// <summary>Limit for each HTTP request; default 10000 ms.</summary>
        public int RequestTimeoutMs = 10000;

        /// <summary>
        /// Where events are raised. Null (default): they are queued, and raised by <see cref="OrionClient.Poll"/>
        /// on the thread that calls it (call it from a MonoBehaviour's Update). Set it (for example to
        /// <c>SynchronizationContext.Current</c> captured on Unity's main thread) to have them posted there instead.
        /// </summary>
        public SynchronizationContext EventContext;
    }
}
