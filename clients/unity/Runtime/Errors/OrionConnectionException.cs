using System;

namespace Orion.Client
{
    /// <summary>
    /// Orion could not be reached, did not answer in time, or the WebSocket failed to open or to
    /// register the client. Nothing was done on the server; check the URL, or retry later.
    /// </summary>
    public sealed class OrionConnectionException : OrionException
    {
        public OrionConnectionException(string message, Exception inner = null) : base(message, inner) { }
    }
}
