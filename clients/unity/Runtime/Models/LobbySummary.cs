namespace Orion.Client
{
    /// <summary>One public lobby as <c>GET /lobbies</c> lists it.</summary>
    public sealed class LobbySummary
    {
        public string Id;
        public string Name;
        /// <summary>Members in the lobby now, the host included.</summary>
        public int CurrentMembers;
        public int MaxMembers;
    }
}
