using System.Collections.Generic;

namespace Orion.Client
{
    /// <summary>What <c>POST /lobbies/:lobbyId/join</c> answers.</summary>
    public sealed class JoinedLobby
    {
        /// <summary>The canonical (upper-case) lobby id.</summary>
        public string LobbyId;
        public string LobbyName;
        /// <summary>Every member's name in join order: the host first, this client last.</summary>
        public List<string> LobbyMembers = new List<string>();
        public string Host;
    }
}
