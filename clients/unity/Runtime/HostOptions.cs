namespace Orion.Client
{
    /// <summary>The lobby <see cref="OrionClient.HostAsync"/> creates.</summary>
    public sealed class HostOptions
    {
        /// <summary>Your name in the lobby: 1 to 50 of A-Z a-z 0-9 _ and space, not starting with a space.</summary>
        public string HostName;

        /// <summary>The lobby's name, same rule.</summary>
        public string LobbyName;

        /// <summary>Listed by <c>GET /lobbies</c> when true; default false (join by id only).</summary>
        public bool IsPublic;

        /// <summary>1 to 64, the host included; default 8.</summary>
        public int MaxMembers = 8;
    }
}
