namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// How often Wait-ClawdTalkEvent looks, after the service's published guidance: an event weeks or days away is checked
    /// every few hours, one within a day hourly, one within the hour every 5 minutes, one that is due or running every
    /// 30 seconds; a check is also made right after the next scheduled time. Times are the service's (its clock: a sandbox's
    /// runs N times faster), and the time scale divides every wait.
    /// </summary>
    internal static class WaitCadence
    {
        public static readonly TimeSpan Due = TimeSpan.FromSeconds(30);
        public static readonly TimeSpan WithinHour = TimeSpan.FromMinutes(5);
        public static readonly TimeSpan WithinDay = TimeSpan.FromHours(1);
        public static readonly TimeSpan Far = TimeSpan.FromHours(4);
        public static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(20);

        /// <summary>The guidance for an event <paramref name="remaining"/> (service time) from its scheduled time.</summary>
        public static TimeSpan Guidance(TimeSpan remaining)
        {
            if (remaining <= TimeSpan.Zero) return Due;
            TimeSpan g = remaining <= TimeSpan.FromHours(1) ? WithinHour : remaining <= TimeSpan.FromDays(1) ? WithinDay : Far;
            // wake just after the scheduled time rather than sleep past it
            var toDue = remaining + TimeSpan.FromSeconds(1);
            return toDue < g ? toDue : g;
        }

        /// <summary>The real time to sleep before the next check of <paramref name="remainings"/> (service time each; zero or less when due).</summary>
        public static TimeSpan Next(IEnumerable<TimeSpan> remainings, double timeScale)
        {
            var best = TimeSpan.MaxValue;
            foreach (var r in remainings)
            {
                var g = Guidance(r);
                if (g < best) best = g;
            }
            if (best == TimeSpan.MaxValue) best = Due;
            var real = TimeSpan.FromTicks((long)(best.Ticks / Math.Max(1e-9, timeScale)));
            return real < Floor ? Floor : real;
        }
    }
}
