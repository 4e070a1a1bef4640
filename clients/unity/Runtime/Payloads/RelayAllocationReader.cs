using System.Collections.Generic;
using Orion.Client.Json;

namespace Orion.Client.Payloads
{
    /// <summary>The relays of <c>ptpMediation_relay_allocated</c>: for each peer, this client's relay endpoint towards it.</summary>
    internal static class RelayAllocationReader
    {
        /// <summary>Every entry with a peer name, an ip and a port, as (peer name, relay ip, relay port).</summary>
        public static List<PeerEndpoint> Read(JsonObject payload)
        {
            var relays = new List<PeerEndpoint>();
            foreach (var item in payload.GetArray("relays") ?? new List<object>())
            {
                var relay = item as JsonObject;
                var port = relay == null ? null : relay.GetInteger("port");
                if (relay == null || relay.GetString("peerName") == null || relay.GetString("ip") == null || port == null) continue;
                relays.Add(new PeerEndpoint(relay.GetString("peerName"), relay.GetString("ip"), (int)port.Value));
            }
            return relays;
        }
    }
}
