namespace ClawdTalk.Pollers
{
    /// <summary>
    /// How often a mission is polled: the published guidance ("Polling for results"), by the time left until the first
    /// look at its next scheduled event, which is two minutes after the event's scheduled time ("schedule your first poll
    /// for scheduled_time + 2 minutes"):
    ///
    /// | until the first look                   | interval       |
    /// | -------------------------------------- | -------------- |
    /// | more than a week                       | every 8 hours  |
    /// | a day to a week                        | every 4 hours  |
    /// | an hour to a day                       | every 30 min   |
    /// | 30 min to an hour                      | every 5 min    |
    /// | 5 to 30 min                            | every 2 min    |
    /// | under 5 min, due, or an event under way | every 30 s     |
    /// | none known (nothing scheduled yet)     | every hour     |
    ///
    /// Nobody chooses it: each tick re-registers the poller when the band changes, so the interval tightens as the time
    /// nears, and a tick before the first look asks the service nothing (<see cref="IsBeforeFirstLook"/>). Cron's
    /// granularity is one minute: 30 s is two entries a minute, the second one starting with `sleep 30`; Task Scheduler
    /// gets two triggers 30 s apart, each repeating every minute.
    /// </summary>
    internal static class PollInterval
    {
        public static readonly TimeSpan Due = TimeSpan.FromSeconds(30);
        public static readonly TimeSpan WithinHalfHour = TimeSpan.FromMinutes(2);
        public static readonly TimeSpan WithinHour = TimeSpan.FromMinutes(5);
        public static readonly TimeSpan WithinDay = TimeSpan.FromMinutes(30);
        public static readonly TimeSpan WithinWeek = TimeSpan.FromHours(4);
        public static readonly TimeSpan Far = TimeSpan.FromHours(8);
        public static readonly TimeSpan Unknown = TimeSpan.FromHours(1);

        /// <summary>The guidance's first look at a scheduled event: two minutes after its time.</summary>
        public static readonly TimeSpan FirstLookDelay = TimeSpan.FromMinutes(2);

        public static DateTimeOffset FirstLook(DateTimeOffset scheduledAt) => scheduledAt + FirstLookDelay;

        /// <param name="nextPending">The earliest scheduled time of an event not started yet (null when none).</param>
        /// <param name="anyUnderWay">True when an event is in progress or past its first look without a final status.</param>
        /// <param name="now">The service's now (the clock <paramref name="nextPending"/> is of).</param>
        /// <param name="timeScale">How much faster than this machine's the service's clock runs (a sandbox's): the wait until
        /// the first look is that much shorter here, where the poller ticks.</param>
        public static TimeSpan For(DateTimeOffset? nextPending, bool anyUnderWay, DateTimeOffset now, double timeScale = 1)
        {
            if (anyUnderWay) return Due;
            if (nextPending == null) return Unknown;
            var ahead = TimeSpan.FromTicks((long)((FirstLook(nextPending.Value) - now).Ticks / Math.Max(1, timeScale)));
            if (ahead <= TimeSpan.FromMinutes(5)) return Due;
            if (ahead <= TimeSpan.FromMinutes(30)) return WithinHalfHour;
            if (ahead <= TimeSpan.FromHours(1)) return WithinHour;
            if (ahead <= TimeSpan.FromDays(1)) return WithinDay;
            if (ahead <= TimeSpan.FromDays(7)) return WithinWeek;
            return Far;
        }

        /// <summary>
        /// True when a tick has nothing to ask the service yet: every open event is pending and before its first look,
        /// nothing ended is left to book, and the service is known to run in real time (a sandbox's faster clock makes
        /// its events run before their nominal time, so there every tick looks).
        /// </summary>
        public static bool IsBeforeFirstLook(IReadOnlyCollection<(bool final, bool settled, string? status, DateTimeOffset? scheduledAt)> events, double? knownTimeScale, DateTimeOffset now)
        {
            if (knownTimeScale != 1 || events.Count == 0) return false;
            var open = 0;
            foreach (var e in events)
            {
                if (e.final) { if (!e.settled) return false; continue; }
                open++;
                if (e.status != "pending" || e.scheduledAt == null || FirstLook(e.scheduledAt.Value) <= now) return false;
            }
            return open > 0;
        }

        /// <summary>The nearest interval a scheduler can run (30 s, or whole minutes dividing an hour, or whole hours dividing a day).</summary>
        public static TimeSpan Normalize(TimeSpan interval)
        {
            if (interval < TimeSpan.FromMinutes(1)) return Due;
            if (interval < TimeSpan.FromHours(1))
            {
                var m = (int)Math.Round(interval.TotalMinutes);
                foreach (var d in new[] { 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 }) if (m <= d) return TimeSpan.FromMinutes(d);
                return TimeSpan.FromHours(1);
            }
            var h = (int)Math.Round(interval.TotalHours);
            foreach (var d in new[] { 1, 2, 3, 4, 6, 8, 12 }) if (h <= d) return TimeSpan.FromHours(d);
            return TimeSpan.FromHours(24);
        }

        public static string Describe(TimeSpan i) =>
            i < TimeSpan.FromMinutes(1) ? $"every {i.TotalSeconds:0} s"
            : i < TimeSpan.FromHours(1) ? $"every {i.TotalMinutes:0} min"
            : i.TotalHours == 1 ? "every hour" : $"every {i.TotalHours:0} hours";
    }
}
