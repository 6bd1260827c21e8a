namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// When a call that was not answered (no-answer, busy, failed) is tried again, by who the callee is. The published
    /// guidance: automated systems 5-15 minutes later, up to 3 times; businesses 30 minutes to 2 hours later;
    /// professionals the next business day, leaving one voicemail at most. -MaxAttempts and -RetryDelay override.
    /// </summary>
    internal sealed class RetryRule
    {
        public RetryRule(string name, int maxAttempts, TimeSpan[] delays, bool nextBusinessDay = false)
        {
            Name = name;
            MaxAttempts = maxAttempts;
            Delays = delays;
            NextBusinessDay = nextBusinessDay;
        }

        public string Name { get; }
        /// <summary>Calls in all, the first one included.</summary>
        public int MaxAttempts { get; }
        /// <summary>The wait before retry 1, 2, …; the last one repeats.</summary>
        public TimeSpan[] Delays { get; }
        public bool NextBusinessDay { get; }

        public static readonly RetryRule AutomatedSystem = new RetryRule("AutomatedSystem", 4,
            new[] { TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15) });
        public static readonly RetryRule Business = new RetryRule("Business", 3, new[] { TimeSpan.FromMinutes(30), TimeSpan.FromHours(2) });
        public static readonly RetryRule Professional = new RetryRule("Professional", 3, new[] { TimeSpan.FromDays(1) }, nextBusinessDay: true);

        public static RetryRule For(RecipientType t) => t switch
        {
            RecipientType.AutomatedSystem => AutomatedSystem,
            RecipientType.Business => Business,
            _ => Professional,
        };

        /// <summary>
        /// The one rule of what may be tried again, for every record and event of the module: a call that has ended
        /// (not cancelled) with the contract's retryable call statuses no-answer, busy or failed, or failed without any
        /// call status (it could not be placed).
        /// </summary>
        public static bool IsRetryableEnd(bool isCall, bool ended, bool failed, string? callStatusOrOutcome, bool canceled = false)
        {
            if (!isCall || !ended || canceled) return false;
            var s = ScheduledEvent.Norm(callStatusOrOutcome);
            return s == "no-answer" || s == "busy" || s == "failed" || (failed && s == "");
        }

        /// <summary>
        /// The policy Register-ClawdTalkPoller stores for a slug (`retry_policy`: `{max_attempts, delay_seconds}`; one
        /// attempt and 5 minutes when absent; at most 10 attempts, at least a minute apart).
        /// </summary>
        public static RetryRule FromStored(Newtonsoft.Json.Linq.JObject? policy)
        {
            var max = Api.Json.Int(policy, "max_attempts") ?? 1;
            var delay = Api.Json.Int(policy, "delay_seconds") ?? 300;
            return new RetryRule("Poller", Math.Max(1, Math.Min(max, 10)), new[] { TimeSpan.FromSeconds(Math.Max(60, delay)) });
        }

        public RetryRule With(int? maxAttempts, TimeSpan? delay) =>
            maxAttempts == null && delay == null ? this
                : new RetryRule(Name + (delay != null ? "+delay" : "") + (maxAttempts != null ? "+max" : ""), maxAttempts ?? MaxAttempts,
                    delay != null ? new[] { delay.Value } : Delays, delay == null && NextBusinessDay);

        /// <summary>
        /// Whether <paramref name="finished"/> (attempt n, failed) is tried again under this rule; <paramref name="why"/> says
        /// why not. A voicemail ends it for good under the professional rule ("one voicemail at most").
        /// </summary>
        public bool ShouldRetry(ScheduledEvent finished, IEnumerable<string?> earlierOutcomes, out string why)
        {
            if (!finished.IsRetryable) { why = "it is not a retryable outcome"; return false; }
            if (finished.Attempt >= MaxAttempts) { why = $"it was attempt {finished.Attempt} of at most {MaxAttempts} ({Name})"; return false; }
            if (NextBusinessDay && earlierOutcomes.Any(o => ScheduledEvent.Norm(o) == "voicemail")) { why = "a voicemail was already left"; return false; }
            why = "";
            return true;
        }

        /// <summary>When retry number <paramref name="retry"/> (1 for the first) is placed, seen from <paramref name="now"/>.</summary>
        public DateTimeOffset NextTime(int retry, DateTimeOffset now, DateTimeOffset? previousScheduled, TimeZoneInfo? zone)
        {
            if (NextBusinessDay)
            {
                var z = zone ?? TimeZoneInfo.Utc;
                var local = TimeZoneInfo.ConvertTime(now, z);
                var timeOfDay = previousScheduled.HasValue ? TimeZoneInfo.ConvertTime(previousScheduled.Value, z).TimeOfDay : local.TimeOfDay;
                var day = local.Date.AddDays(1);
                while (day.DayOfWeek == DayOfWeek.Saturday || day.DayOfWeek == DayOfWeek.Sunday) day = day.AddDays(1);
                var l = DateTime.SpecifyKind(day + timeOfDay, DateTimeKind.Unspecified);
                while (z.IsInvalidTime(l)) l = l.AddMinutes(1);
                return new DateTimeOffset(l, z.GetUtcOffset(l)).ToUniversalTime();
            }
            var delay = Delays[Math.Min(retry - 1, Delays.Length - 1)];
            return now + delay;
        }
    }
}
