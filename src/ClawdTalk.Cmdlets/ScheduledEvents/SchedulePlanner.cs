namespace ClawdTalk.ScheduledEvents
{
    /// <summary>When one target is scheduled, in which zone and window: what the plan of a target says.</summary>
    internal sealed class ScheduleSlot
    {
        public DateTimeOffset At;
        /// <summary>True when the time is the default start plus stagger (no -At, no window move), or a time already moved to the
        /// service's minimum: a request that goes later than planned may move it again.</summary>
        public bool Flexible;
        /// <summary>The zones the time was chosen in (the target's, -TimeZone's or its number's), null when no zone mattered.</summary>
        public IReadOnlyList<TimeZoneInfo>? Zones;
        public string? ZoneId => Zones == null ? null : string.Join(",", Zones.Select(z => z.Id));
        public string? Window;

        /// <summary>`2026-03-09 13:00:00Z (Mon 2026-03-09 09:00 America/New_York)`.</summary>
        public string Describe() =>
            SchedulePlanner.Show(At) + (Zones != null ? $" ({TimeZoneInfo.ConvertTime(At, Zones[0]).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {Zones[0].Id})" : "");
    }

    /// <summary>
    /// The planning of Register-ClawdTalkCall and -Sms, without the engine: the start (-At, else 90 seconds from now, so
    /// the service's one-minute minimum holds when the request arrives; an -At or a target's time up to a minute short of
    /// that minimum is moved to it with a warning), the stagger between targets, a target's own time,
    /// and -TimeWindow in the callee's zone (targets moved to the same opening are spaced by the stagger too). Time comes
    /// from a <see cref="TimeProvider"/>: the service's clock (<see cref="ServiceClock"/>), on which the times a user gives
    /// (-At, a target's At) are placed as far ahead as they are on this machine's, and whose scale widens the margins
    /// (a request's real latency is more of a clock that runs faster).
    /// </summary>
    internal sealed class SchedulePlanner
    {
        public static readonly TimeSpan DefaultLead = TimeSpan.FromSeconds(90);
        public static readonly TimeSpan MinimumLead = TimeSpan.FromSeconds(60);
        /// <summary>The furthest ahead a call or text is scheduled: a time beyond it is a mistake (a wrong century, DateTime.MaxValue).</summary>
        public static readonly TimeSpan MaximumLead = TimeSpan.FromDays(3653);
        /// <summary>What a time moved to the service's minimum keeps in hand for its request to arrive.</summary>
        public static readonly TimeSpan SendMargin = TimeSpan.FromSeconds(5);

        /// <summary>
        /// The service time a request may spend on its way at this clock scale: <see cref="SendMargin"/>, or a quarter of a real
        /// second where the service's clock runs so fast (a sandbox at 600×) that this is more.
        /// </summary>
        public static TimeSpan Slack(double scale) =>
            scale <= 1 ? SendMargin : TimeSpan.FromTicks(Math.Max(SendMargin.Ticks, (long)(TimeSpan.TicksPerSecond / 4.0 * scale)));

        /// <summary>How far ahead a call or text without a time is placed: <see cref="DefaultLead"/>, more where the clock runs fast.</summary>
        public static TimeSpan Lead(double scale) =>
            TimeSpan.FromTicks(Math.Max(DefaultLead.Ticks, (MinimumLead + Slack(scale) + Slack(scale)).Ticks));

        /// <summary>The earliest time the module asks for: the service's minimum (a minute ahead) when the request arrives.</summary>
        public static DateTimeOffset Earliest(DateTimeOffset now, double scale = 1) => ScheduledEventsApi.Ceil(now + MinimumLead + Slack(scale));

        /// <summary>True when <paramref name="at"/> would no longer be a minute ahead when its request arrives.</summary>
        public static bool TooSoon(DateTimeOffset at, DateTimeOffset now, double scale = 1) =>
            at < now + MinimumLead + TimeSpan.FromTicks(Slack(scale).Ticks / 5);

        /// <summary>
        /// A fixed time checked against the service's minimum (a minute ahead): in the past is ScheduleInPast; up to a
        /// minute short of the minimum (now or later, e.g. `(Get-Date).AddMinutes(1)` by the time it is planned) is moved
        /// to <see cref="Earliest"/> with a warning, and <paramref name="moved"/> says so.
        /// </summary>
        static DateTimeOffset Checked(DateTimeOffset at, DateTimeOffset now, double scale, string what, object? target, Action<string>? warn, out bool moved)
        {
            moved = false;
            if (at < now) throw Errors.Invalid(ErrorIds.ScheduleInPast, $"{what} {Show(at)} is in the past. Nothing was scheduled{(target is string t ? " for " + t : "")}.", target ?? at);
            if (at > now + MaximumLead) throw Errors.Invalid(ErrorIds.ScheduleTooFar, $"{what} {Show(at)} is more than ten years ahead. Nothing was scheduled{(target is string t2 ? " for " + t2 : "")}.", target ?? at);
            if (at >= now + MinimumLead + Slack(scale)) return at;
            var earliest = Earliest(now, scale);
            if (at >= earliest) return at;
            moved = true;
            warn?.Invoke($"{what} {Show(at)} is less than the service's minimum of a minute ahead; it was moved to {Show(earliest)}.");
            return earliest;
        }

        readonly TimeProvider _clock;
        readonly double _scale;
        readonly TimeSpan _stagger;
        readonly TimeWindow? _window;
        readonly IReadOnlyList<TimeZoneInfo>? _zoneOverride;
        readonly bool _fixedStart;
        readonly DateTimeOffset _start;
        readonly Dictionary<DateTimeOffset, int> _moved = new Dictionary<DateTimeOffset, int>();
        int _index;

        /// <param name="at">-At (already parsed), null for the default start.</param>
        /// <param name="warn">Hears of an -At moved to the service's minimum.</param>
        public SchedulePlanner(TimeProvider clock, DateTimeOffset? at, TimeSpan stagger, TimeWindow? window, IReadOnlyList<TimeZoneInfo>? zoneOverride, Action<string>? warn = null)
        {
            _clock = clock;
            _scale = (clock as ServiceClock)?.Scale ?? 1;
            var now = clock.GetUtcNow();
            if (at.HasValue)
            {
                _start = Checked(FromLocal(at.Value), now, _scale, "-At", null, warn, out var moved);
                // a start moved to the minimum may move again when its request goes later than planned
                _fixedStart = !moved;
            }
            else _start = ScheduledEventsApi.Ceil(now + Lead(_scale));
            if (stagger < TimeSpan.Zero || stagger > TimeSpan.FromDays(1)) throw Errors.Invalid(ErrorIds.InvalidStagger, "-Stagger must be between 0 and one day.", stagger);
            _stagger = stagger;
            _window = window;
            _zoneOverride = zoneOverride;
        }

        /// <summary>A time the user gave on this machine's clock, on the service's (the same for the real service).</summary>
        DateTimeOffset FromLocal(DateTimeOffset t) => _clock is ServiceClock sc ? sc.FromLocal(t) : t;

        public static string Show(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        /// <summary>The slot of the next target (its own time, else the start plus the stagger); <paramref name="warn"/> hears of zones that never meet.</summary>
        public ScheduleSlot Next(EventTarget target, Action<string> warn)
        {
            var now = _clock.GetUtcNow();
            var slot = new ScheduleSlot();
            if (target.At.HasValue)
            {
                slot.At = Checked(FromLocal(target.At.Value), now, _scale, $"The time of {target}", target.Phone, warn, out var moved);
                slot.Flexible = moved;
            }
            else
            {
                slot.At = _start + TimeSpan.FromTicks(_stagger.Ticks * _index);
                slot.Flexible = !_fixedStart;
                if (slot.At > now + MaximumLead) throw Errors.Invalid(ErrorIds.ScheduleTooFar, $"With -Stagger, the time {Show(slot.At)} of {target} would be more than ten years ahead; nothing was scheduled for it.", target.Phone);
            }
            IReadOnlyList<TimeZoneInfo>? zones = null;
            if (target.TimeZone != null) zones = new[] { Zones.Find(target.TimeZone, target.Phone) };
            else if (_zoneOverride != null) zones = _zoneOverride;
            if (_window != null)
            {
                zones ??= Zones.ForNumber(target.Phone);
                var opening = _window.NextOpening(slot.At, zones);
                if (opening == null)
                {
                    warn($"The zones of {target} ({string.Join(", ", zones.Select(z => z.Id))}) never share an opening of {_window}; {zones[0].Id} is used.");
                    zones = new[] { zones[0] };
                    opening = _window.NextOpening(slot.At, zones[0]);
                }
                if (opening!.Value != slot.At)
                {
                    var o = opening.Value;
                    _moved.TryGetValue(o, out var n);
                    _moved[o] = n + 1;
                    var spaced = o + TimeSpan.FromTicks(_stagger.Ticks * n);
                    slot.At = _window.NextOpening(spaced, zones) ?? spaced;
                    slot.Flexible = false;
                }
                slot.Window = _window.ToString();
            }
            slot.Zones = zones;
            slot.At = ScheduledEventsApi.Ceil(slot.At);
            _index++;
            return slot;
        }
    }

    /// <summary>
    /// Which plan step a call or text belongs to, known when it is placed (sent as its step_id, so the service completes
    /// that step when it finishes and nothing has to guess later): the one asked for (-StepId), else the plan's only step,
    /// else the one step in progress, else the last open step (a plan of research then calls: calls). None when the run
    /// has no plan or every step has ended.
    /// </summary>
    internal static class StepPlacement
    {
        public static string? For(Newtonsoft.Json.Linq.JObject? plan, out string reason)
        {
            var steps = (plan?["steps"] as Newtonsoft.Json.Linq.JArray)?.OfType<Newtonsoft.Json.Linq.JObject>()
                .OrderBy(x => Json.Int(x, "sequence") ?? 0).ToList() ?? new List<Newtonsoft.Json.Linq.JObject>();
            string? Id(Newtonsoft.Json.Linq.JObject x) => Json.Str(x, "step_id");
            static bool Ended(string? status) => status == "completed" || status == "skipped" || status == "failed";
            if (steps.Count == 0) { reason = "the run has no plan"; return null; }
            if (steps.Count == 1) { reason = "the plan's only step"; return Id(steps[0]); }
            var inProgress = steps.Where(x => Json.Str(x, "status") == "in_progress").ToList();
            if (inProgress.Count == 1) { reason = "the step in progress"; return Id(inProgress[0]); }
            var open = steps.Where(x => !Ended(Json.Str(x, "status"))).ToList();
            if (open.Count > 0) { reason = "the last open step"; return Id(open[open.Count - 1]); }
            reason = "every step of the plan has ended";
            return null;
        }
    }
}
