using System;

namespace Orion.Client.Lobby
{
    /// <summary>
    /// Which lobby this client is in, and under what name: set when Host or Join is answered; the
    /// lobby is forgotten when it closes or the connection does (the name stays, for messages).
    /// Thread-safe.
    /// </summary>
    internal sealed class LobbyMembership
    {
        private readonly object gate = new object();
        private string lobbyId;
        private string memberName;

        /// <summary>The lobby's id, or null.</summary>
        public string LobbyId { get { lock (gate) return lobbyId; } }

        /// <summary>This client's name in its last lobby, or null before the first.</summary>
        public string MemberName { get { lock (gate) return memberName; } }

        public void Enter(string id, string name)
        {
            lock (gate)
            {
                lobbyId = id;
                memberName = name;
            }
        }

        /// <summary>The lobby closed, or the connection did.</summary>
        public void Leave()
        {
            lock (gate) lobbyId = null;
        }

        /// <summary>The lobby's id; throws, naming <paramref name="action"/>, when this client is in none.</summary>
        public string Require(string action)
        {
            lock (gate)
            {
                if (lobbyId == null) throw new InvalidOperationException("Cannot " + action + ": this client is in no lobby.");
                return lobbyId;
            }
        }
    }
}
