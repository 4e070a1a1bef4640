using System;

namespace Orion.Client
{
    /// <summary>
    /// When hellos go out, as in the TypeScript SDK: the first at once, then the gap doubles from
    /// <see cref="FirstGapMs"/> up to <see cref="MaxGapMs"/> (0, 50, 100, 200, 400, 500, 500, ... ms):
    /// quick retries while NAT mappings are created, then a steady pace.
    /// </summary>
    public sealed class PunchSchedule
    {
        public static readonly PunchSchedule Default = new PunchSchedule(50, 500);

        public PunchSchedule(int firstGapMs, int maxGapMs)
        {
            FirstGapMs = firstGapMs;
            MaxGapMs = maxGapMs;
        }

        public int FirstGapMs { get; private set; }
        public int MaxGapMs { get; private set; }

        /// <summary>The wait before send number <paramref name="attempt"/> (0-based).</summary>
        public int DelayMs(int attempt)
        {
            if (attempt <= 0) return 0;
            int doublings = Math.Min(attempt - 1, 30);
            double gap = Math.Min(FirstGapMs * Math.Pow(2, doublings), MaxGapMs);
            // At least 1 ms, so that a zero schedule cannot turn into a busy loop.
            return Math.Max(1, (int)gap);
        }
    }
}
