namespace Orion.Client
{
    /// <summary>The mediation ended underneath <c>MediateAsync</c>: the lobby closed, the connection did, or nothing started in time.</summary>
    public sealed class MediationInterruptedException : OrionException
    {
        public MediationInterruptedException(string message) : base(message) { }
    }
}
