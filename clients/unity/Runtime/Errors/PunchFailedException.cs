using System.Collections.Generic;
using System.Linq;

namespace Orion.Client
{
    /// <summary>Hole punching gave up: these peers never answered within the punch timeout.</summary>
    public sealed class PunchFailedException : OrionException
    {
        public PunchFailedException(IList<PeerEndpoint> unreachable, int timeoutMs)
            : base("Hole punching failed: no answer within " + timeoutMs + " ms from "
                + string.Join(", ", unreachable.Select(peer => peer.ToString()).ToArray()) + ".")
        {
            Unreachable = new List<PeerEndpoint>(unreachable).AsReadOnly();
            TimeoutMs = timeoutMs;
        }

        public IList<PeerEndpoint> Unreachable { get; private set; }
        public int TimeoutMs { get; private set; }
    }
}
