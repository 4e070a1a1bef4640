using System.Collections.Generic;
using Orion.Client.Json;

namespace Orion.Client.Payloads
{
    /// <summary>The peers of <c>ptpMediation_peersConnection_start</c>.</summary>
    internal static class PeerListReader
    {
        /// <summary>Every entry with an ip and a port; a peer without a name is named by its ip.</summary>
        public static List<PeerEndpoint> Read(JsonObject payload)
        {
            var peers = new List<PeerEndpoint>();
            foreach (var item in payload.GetArray("peers") ?? new List<object>())
            {
                var peer = item as JsonObject;
                var port = peer == null ? null : peer.GetInteger("port");
                if (peer == null || peer.GetString("ip") == null || port == null) continue;
                peers.Add(new PeerEndpoint(peer.GetString("name") ?? peer.GetString("ip"), peer.GetString("ip"), (int)port.Value));
            }
            return peers;
        }
    }
}
