using System.Text.RegularExpressions;
using ClawdTalk.Numbers;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// When calls may be placed: hours of the day on some days of the week, in the callee's own time zone. Written like
    /// `09:00-17:00`, `Mon-Fri 09:00-17:00`, `Sat,Sun 10-14` or `daily 08:00-20:00`; a window whose end is before its start
    /// runs past midnight (`22:00-02:00`). A time outside the window moves to the window's next opening.
    /// </summary>
    internal sealed class TimeWindow
    {
        public static readonly DayOfWeek[] Weekdays = { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

        TimeWindow(TimeSpan start, TimeSpan end, HashSet<DayOfWeek> days)
        {
            Start = start;
            End = end;
            Days = days;
        }

        public TimeSpan Start { get; }
        public TimeSpan End { get; }
        public HashSet<DayOfWeek> Days { get; }

        /// <summary>The canonical text, e.g. `Mon-Fri 09:00-17:00`, kept with each event so retries keep to it.</summary>
        public override string ToString() => $"{DaysText(Days)} {Hhmm(Start)}-{Hhmm(End)}";

        static string Hhmm(TimeSpan t) => t.TotalHours >= 24 ? "24:00" : t.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

        static readonly string[] Short = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

        static string DaysText(HashSet<DayOfWeek> days)
        {
            if (days.Count == 7) return "daily";
            var order = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday };
            var parts = new List<string>();
            for (var i = 0; i < order.Length;)
            {
                if (!days.Contains(order[i])) { i++; continue; }
                var j = i;
                while (j + 1 < order.Length && days.Contains(order[j + 1])) j++;
                parts.Add(j - i >= 2 ? $"{Short[(int)order[i]]}-{Short[(int)order[j]]}" : string.Join(",", Enumerable.Range(i, j - i + 1).Select(k => Short[(int)order[k]])));
                i = j + 1;
            }
            return string.Join(",", parts);
        }

        static readonly Regex Hours = new Regex(@"^(?<h1>\d{1,2})(?::?(?<m1>\d{2}))?\s*(?:-|–|—|to)\s*(?<h2>\d{1,2})(?::?(?<m2>\d{2}))?$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <summary>
        /// Reads a window. Days written in <paramref name="text"/> win over <paramref name="days"/>; with neither, Monday to
        /// Friday. InvalidTimeWindow when it cannot be read, EmptyTimeWindow when it holds no time at all.
        /// </summary>
        public static TimeWindow Parse(string? text, DayOfWeek[]? days)
        {
            var t = (text ?? "").Trim();
            if (t.Length == 0) throw Empty(text, "it is empty");
            // the hours are the last token; anything before it names the days
            var m = Regex.Match(t, @"^(?<days>.*?)\s*(?<hours>\d{1,2}(?::?\d{2})?\s*(?:-|–|—|to)\s*\d{1,2}(?::?\d{2})?)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
            if (!m.Success) throw Invalid(text, "write it like '09:00-17:00' or 'Mon-Fri 09:00-17:00'");
            var h = Hours.Match(m.Groups["hours"].Value.Trim());
            if (!h.Success) throw Invalid(text, "write the hours like '09:00-17:00'");
            var start = Time(h.Groups["h1"].Value, h.Groups["m1"].Value, text, allow24: false);
            var end = Time(h.Groups["h2"].Value, h.Groups["m2"].Value, text, allow24: true);
            var daySpec = m.Groups["days"].Value.Trim().TrimEnd(',');
            HashSet<DayOfWeek> set;
            if (daySpec.Length > 0) set = ParseDays(daySpec, text);
            else set = new HashSet<DayOfWeek>(days ?? Weekdays);
            if (set.Count == 0) throw Empty(text, "it has no days");
            if (start == end) throw Empty(text, "it starts when it ends");
            return new TimeWindow(start, end, set);
        }

        static TimeSpan Time(string h, string m, string? text, bool allow24)
        {
            var hours = int.Parse(h, CultureInfo.InvariantCulture);
            var minutes = m.Length == 0 ? 0 : int.Parse(m, CultureInfo.InvariantCulture);
            if (minutes > 59 || hours > 24 || (hours == 24 && (minutes > 0 || !allow24)))
                throw Invalid(text, $"{h}:{(m.Length == 0 ? "00" : m)} is not a time of day");
            return new TimeSpan(hours, minutes, 0);
        }

        static HashSet<DayOfWeek> ParseDays(string spec, string? text)
        {
            var set = new HashSet<DayOfWeek>();
            foreach (var raw in spec.Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var part = raw.Trim().ToLowerInvariant();
                switch (part)
                {
                    case "weekdays": case "workdays": case "businessdays": foreach (var d in Weekdays) set.Add(d); continue;
                    case "weekends": case "weekend": set.Add(DayOfWeek.Saturday); set.Add(DayOfWeek.Sunday); continue;
                    case "daily": case "everyday": case "all": for (var d = 0; d < 7; d++) set.Add((DayOfWeek)d); continue;
                }
                var range = part.Split(new[] { '-', '–', '—' }, StringSplitOptions.RemoveEmptyEntries);
                if (range.Length == 1) { set.Add(Day(range[0], text)); continue; }
                if (range.Length != 2) throw Invalid(text, $"'{raw}' is not a day or a range of days");
                var from = (int)Day(range[0], text);
                var to = (int)Day(range[1], text);
                for (var d = from; ; d = (d + 1) % 7)
                {
                    set.Add((DayOfWeek)d);
                    if (d == to) break;
                }
            }
            return set;
        }

        static DayOfWeek Day(string s, string? text)
        {
            var w = s.Trim().ToLowerInvariant();
            if (w.Length >= 2)
                foreach (DayOfWeek d in Enum.GetValues(typeof(DayOfWeek)))
                {
                    var name = d.ToString().ToLowerInvariant();
                    if (name.StartsWith(w, StringComparison.Ordinal) && (w.Length >= 3 || w == "mo" || w == "tu" || w == "we" || w == "th" || w == "fr" || w == "sa" || w == "su")) return d;
                }
            throw Invalid(text, $"'{s}' is not a day of the week");
        }

        static ClawdTalkException Invalid(string? text, string why) =>
            Errors.Invalid(ErrorIds.InvalidTimeWindow, $"The time window '{text}' cannot be read: {why}. Nothing was scheduled.", text);

        static ClawdTalkException Empty(string? text, string why) =>
            Errors.Invalid(ErrorIds.EmptyTimeWindow, $"The time window '{text}' is empty ({why}): no call could ever be placed in it. Nothing was scheduled.", text);

        /// <summary>The earliest moment at or after <paramref name="t"/> that lies inside the window in <paramref name="zone"/>.</summary>
        public DateTimeOffset NextOpening(DateTimeOffset t, TimeZoneInfo zone)
        {
            var local = TimeZoneInfo.ConvertTime(t, zone).DateTime;
            DateTimeOffset? best = null;
            for (var d = -1; d <= 8; d++)
            {
                var day = local.Date.AddDays(d);
                if (!Days.Contains(day.DayOfWeek)) continue;
                var open = ToUtc(day + Start, zone);
                var close = ToUtc(End > Start ? day + End : day.AddDays(1) + End, zone);
                if (t >= open && t < close) return t;
                if (open > t && (best == null || open < best.Value)) best = open;
            }
            return best ?? t;
        }

        public bool Contains(DateTimeOffset t, TimeZoneInfo zone) => NextOpening(t, zone) == t;

        /// <summary>
        /// The earliest moment at or after <paramref name="t"/> inside the window in every one of <paramref name="zones"/>
        /// (a number whose area spans several zones); null when the zones never share an opening.
        /// </summary>
        public DateTimeOffset? NextOpening(DateTimeOffset t, IReadOnlyList<TimeZoneInfo> zones)
        {
            var cur = t;
            for (var i = 0; i < 32; i++)
            {
                var next = cur;
                foreach (var z in zones)
                {
                    var n = NextOpening(cur, z);
                    if (n > next) next = n;
                }
                if (next == cur) return cur;
                cur = next;
                if (cur - t > TimeSpan.FromDays(14)) break;
            }
            return null;
        }

        static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
        {
            var l = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            // a time skipped by a clock change (spring forward) opens at the first valid minute after it
            for (var i = 0; i < 180 && zone.IsInvalidTime(l); i++) l = l.AddMinutes(1);
            return new DateTimeOffset(l, zone.GetUtcOffset(l)).ToUniversalTime();
        }
    }

    /// <summary>
    /// Time zones by IANA or Windows id on every runtime, with the module's errors. TimeZoneConverter maps between the two
    /// (libphonenumber gives IANA ids, which .NET Framework, under Windows PowerShell 5.1, does not know).
    /// </summary>
    internal static class Zones
    {
        static TimeZoneInfo? TryFind(string id) => TimeZoneConverter.TZConvert.TryGetTimeZoneInfo(id.Trim(), out var zone) ? zone : null;

        public static TimeZoneInfo Find(string id, object? target = null) =>
            TryFind(id) ?? throw new ClawdTalkException(ErrorIds.UnknownTimeZone, ErrorCategory.InvalidArgument,
                $"The time zone '{id}' is not known on this system. Nothing was scheduled for {target ?? id}.", target ?? id)
            { RecommendedAction = "Give -TimeZone as an IANA id like 'America/New_York' or a Windows id like 'Eastern Standard Time'." };

        /// <summary>The zones of the number's area (libphonenumber); UnknownTimeZone when the number gives none and no override is set.</summary>
        public static IReadOnlyList<TimeZoneInfo> ForNumber(string e164)
        {
            var ids = E164.TimeZones(e164);
            if (ids.Count == 0)
                throw new ClawdTalkException(ErrorIds.UnknownTimeZone, ErrorCategory.InvalidArgument,
                    $"The time zone of {e164} cannot be told from the number, so the time window cannot be applied. Nothing was scheduled for it.", e164)
                { RecommendedAction = "Give the target a TimeZone property, or -TimeZone for every target." };
            var list = new List<TimeZoneInfo>();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
                if (TryFind(id) is TimeZoneInfo zone) list.Add(zone);
            if (list.Count == 0)
                throw new ClawdTalkException(ErrorIds.UnknownTimeZone, ErrorCategory.InvalidArgument,
                    $"The time zone of {e164} ({string.Join(", ", ids)}) is not known on this system. Nothing was scheduled for it.", e164)
                { RecommendedAction = "Give the target a TimeZone property, or -TimeZone with an id this system knows." };
            return list;
        }
    }
}
