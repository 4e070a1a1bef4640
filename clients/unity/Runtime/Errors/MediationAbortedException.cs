namespace Orion.Client
{
    /// <summary>Orion sent <c>ptpMediation_aborted</c>; <see cref="Reason"/> is its <c>abortReason</c>.</summary>
    public sealed class MediationAbortedException : OrionException
    {
        public MediationAbortedException(string reason) : base("Orion aborted the mediation: " + reason)
        {
            Reason = reason;
        }

        public string Reason { get; private set; }
    }
}
