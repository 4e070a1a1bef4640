namespace Orion.Client
{
    /// <summary>What <c>POST /lobbies</c> answers: the new lobby's id (share it) and name.</summary>
    public sealed class HostedLobby
    {
        public string LobbyId;
        public string LobbyName;
    }
}
