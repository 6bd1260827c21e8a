using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ClawdTalk.Api;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>When one target is scheduled, in which zone and window: what the plan of a target says.</summary>
    internal sealed class ScheduleSlot
    {
        public DateTimeOffset At;
        /// <summary>True when the time is the default start plus stagger (no -At, no window move): a "too soon" answer may move it.</summary>
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
    /// the service's one-minute minimum holds when the request arrives), the stagger between targets, a target's own time,
    /// and -TimeWindow in the callee's zone (targets moved to the same opening are spaced by the stagger too). Time comes
    /// from a <see cref="TimeProvider"/>.
    /// </summary>
    internal sealed class SchedulePlanner
    {
        public static readonly TimeSpan DefaultLead = TimeSpan.FromSeconds(90);
        public static readonly TimeSpan MinimumLead = TimeSpan.FromSeconds(60);
        /// <summary>The furthest ahead a call or text is scheduled: a time beyond it is a mistake (a wrong century, DateTime.MaxValue).</summary>
        public static readonly TimeSpan MaximumLead = TimeSpan.FromDays(3653);

        readonly TimeProvider _clock;
        readonly TimeSpan _stagger;
        readonly TimeWindow? _window;
        readonly IReadOnlyList<TimeZoneInfo>? _zoneOverride;
        readonly bool _fixedStart;
        readonly DateTimeOffset _start;
        readonly Dictionary<DateTimeOffset, int> _moved = new Dictionary<DateTimeOffset, int>();
        int _index;

        /// <param name="at">-At (already parsed), null for the default start.</param>
        public SchedulePlanner(TimeProvider clock, DateTimeOffset? at, TimeSpan stagger, TimeWindow? window, IReadOnlyList<TimeZoneInfo>? zoneOverride)
        {
            _clock = clock;
            var now = clock.GetUtcNow();
            if (at.HasValue)
            {
                if (at.Value <= now) throw Errors.Invalid("ScheduleInPast", $"-At {Show(at.Value)} is in the past. Nothing was scheduled.", at.Value);
                if (at.Value > now + MaximumLead) throw Errors.Invalid(ErrorIds.ScheduleTooFar, $"-At {Show(at.Value)} is more than ten years ahead. Nothing was scheduled.", at.Value);
                if (at.Value < now + MinimumLead) throw Errors.Invalid("ScheduleTooSoon", $"-At {Show(at.Value)} is less than a minute ahead; the service needs at least a minute. Nothing was scheduled.", at.Value);
                _start = at.Value;
                _fixedStart = true;
            }
            else _start = ScheduledEventsApi.Ceil(now + DefaultLead);
            if (stagger < TimeSpan.Zero || stagger > TimeSpan.FromDays(1)) throw Errors.Invalid("InvalidStagger", "-Stagger must be between 0 and one day.", stagger);
            _stagger = stagger;
            _window = window;
            _zoneOverride = zoneOverride;
        }

        public static string Show(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        /// <summary>The slot of the next target (its own time, else the start plus the stagger); <paramref name="warn"/> hears of zones that never meet.</summary>
        public ScheduleSlot Next(OutreachTarget target, Action<string> warn)
        {
            var now = _clock.GetUtcNow();
            var slot = new ScheduleSlot();
            if (target.At.HasValue)
            {
                slot.At = target.At.Value;
                if (slot.At <= now) throw Errors.Invalid("ScheduleInPast", $"The time {Show(slot.At)} of {target} is in the past; nothing was scheduled for it.", target.Phone);
                if (slot.At > now + MaximumLead) throw Errors.Invalid(ErrorIds.ScheduleTooFar, $"The time {Show(slot.At)} of {target} is more than ten years ahead; nothing was scheduled for it.", target.Phone);
                if (slot.At < now + MinimumLead) throw Errors.Invalid("ScheduleTooSoon", $"The time {Show(slot.At)} of {target} is less than a minute ahead; nothing was scheduled for it.", target.Phone);
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
}
