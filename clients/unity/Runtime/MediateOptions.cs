namespace Orion.Client
{
    /// <summary>Options of <see cref="OrionClient.MediateAsync"/>; the defaults are the TypeScript SDK's.</summary>
    public sealed class MediateOptions
    {
        /// <summary>How long to punch before giving up with <see cref="PunchFailedException"/>; default 5000 ms.</summary>
        public int PunchTimeoutMs = 5000;

        /// <summary>
        /// How long to wait for <c>ptpMediation_peersConnection_start</c> if it has not come yet;
        /// 0 (default): until the mediation starts, aborts, or the lobby or connection closes.
        /// </summary>
        public int StartTimeoutMs;

        /// <summary>The hello retry schedule; the default suits most networks.</summary>
        public PunchSchedule Schedule = PunchSchedule.Default;
    }
}
