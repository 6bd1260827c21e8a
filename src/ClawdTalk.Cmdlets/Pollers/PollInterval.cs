using System;

namespace ClawdTalk.Pollers
{
    /// <summary>
    /// How often a mission is polled, by how far its next scheduled event is (the published guidance's table):
    ///
    /// | next event                         | interval      |
    /// | ---------------------------------- | ------------- |
    /// | a week or more away                | every 6 hours |
    /// | a day to a week away               | every 3 hours |
    /// | an hour to a day away              | every hour    |
    /// | within the hour                    | every 5 min   |
    /// | due, past due or under way         | every 30 s    |
    /// | none known (nothing scheduled yet) | every hour    |
    ///
    /// Each tick re-registers the poller when the band changes, so the interval tightens as the time nears. Cron's
    /// granularity is one minute: 30 s is two entries a minute, the second one starting with `sleep 30`; Task Scheduler
    /// gets two triggers 30 s apart, each repeating every minute.
    /// </summary>
    internal static class PollInterval
    {
        public static readonly TimeSpan Due = TimeSpan.FromSeconds(30);
        public static readonly TimeSpan WithinHour = TimeSpan.FromMinutes(5);
        public static readonly TimeSpan WithinDay = TimeSpan.FromHours(1);
        public static readonly TimeSpan WithinWeek = TimeSpan.FromHours(3);
        public static readonly TimeSpan Far = TimeSpan.FromHours(6);
        public static readonly TimeSpan Unknown = TimeSpan.FromHours(1);

        /// <param name="nextPending">The earliest scheduled time of an event not started yet (null when none).</param>
        /// <param name="anyUnderWay">True when an event is in progress or past its time without a final status.</param>
        public static TimeSpan For(DateTimeOffset? nextPending, bool anyUnderWay, DateTimeOffset now)
        {
            if (anyUnderWay) return Due;
            if (nextPending == null) return Unknown;
            var ahead = nextPending.Value - now;
            if (ahead <= TimeSpan.Zero) return Due;
            if (ahead <= TimeSpan.FromHours(1)) return WithinHour;
            if (ahead <= TimeSpan.FromDays(1)) return WithinDay;
            if (ahead <= TimeSpan.FromDays(7)) return WithinWeek;
            return Far;
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
