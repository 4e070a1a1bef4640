using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Orion.Client.Transport;

namespace Orion.Client
{
    /// <summary>Lists public lobbies without connecting (a lobby browser screen needs no WebSocket).</summary>
    public static class OrionLobbyBrowser
    {
        /// <summary><c>GET /lobbies</c> on Orion at <paramref name="url"/> (<c>http://host:port</c>).</summary>
        public static Task<List<LobbySummary>> ListLobbiesAsync(string url, int timeoutMs = 10000)
        {
            Uri baseUri;
            if (!Uri.TryCreate(url, UriKind.Absolute, out baseUri) || (baseUri.Scheme != "http" && baseUri.Scheme != "https"))
                throw new ArgumentException("Orion's url must start with http:// or https://, not " + url);
            return new HttpApi(baseUri, timeoutMs).ListLobbiesAsync();
        }
    }
}
