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

        /// <summary>
        /// When to ask Orion to relay a pair: <see cref="RelayMode.Fallback"/> (default),
        /// <see cref="RelayMode.Always"/> or <see cref="RelayMode.Off"/>. The punch timeout covers
        /// the relay too, so leave it time: at least a second more than <see cref="RelayAfterMs"/>.
        /// </summary>
        public RelayMode Relay = RelayMode.Fallback;

        /// <summary>In <see cref="RelayMode.Fallback"/> mode, how long a peer may stay silent before its pair is relayed; default 2000 ms.</summary>
        public int RelayAfterMs = 2000;
    }
}
