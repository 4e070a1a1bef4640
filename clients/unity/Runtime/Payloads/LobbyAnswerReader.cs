using System.Collections.Generic;
using Orion.Client.Json;

namespace Orion.Client.Payloads
{
    /// <summary>The bodies of Orion's lobby routes (<c>GET /lobbies</c>, <c>POST /lobbies</c>, <c>POST /lobbies/:lobbyId/join</c>) as models.</summary>
    internal static class LobbyAnswerReader
    {
        /// <summary>The <c>lobbies</c> of <c>GET /lobbies</c>, skipping entries that are not objects.</summary>
        public static List<LobbySummary> LobbyList(JsonObject body)
        {
            var lobbies = new List<LobbySummary>();
            foreach (var item in body.GetArray("lobbies") ?? new List<object>())
            {
                var lobby = item as JsonObject;
                if (lobby == null) continue;
                lobbies.Add(new LobbySummary
                {
                    Id = lobby.GetString("id"),
                    Name = lobby.GetString("name"),
                    CurrentMembers = (int)(lobby.GetInteger("currentMembers") ?? 0),
                    MaxMembers = (int)(lobby.GetInteger("maxMembers") ?? 0),
                });
            }
            return lobbies;
        }

        public static HostedLobby Hosted(JsonObject body)
        {
            return new HostedLobby { LobbyId = body.GetString("lobbyId"), LobbyName = body.GetString("lobbyName") };
        }

        public static JoinedLobby Joined(JsonObject body)
        {
            var joined = new JoinedLobby
            {
                LobbyId = body.GetString("lobbyId"),
                LobbyName = body.GetString("lobbyName"),
                Host = body.GetString("host"),
            };
            foreach (var member in body.GetArray("lobbyMembers") ?? new List<object>())
            {
                var name = member as string;
                if (name != null) joined.LobbyMembers.Add(name);
            }
            return joined;
        }
    }
}
