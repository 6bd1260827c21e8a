using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ClawdTalk.Sandbox.Infrastructure;

/// <summary>Wire formats: timestamps, E.164 numbers, ISO 8601 instants, monotonic time.</summary>
internal static partial class Formats
{
    public static string Iso(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Monotonic milliseconds (for scheduling; never shown).</summary>
    public static long MonoMs() => (long)(Stopwatch.GetTimestamp() * (1000.0 / Stopwatch.Frequency));

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164Regex();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoRegex();

    public static bool IsE164(string s) => E164Regex().IsMatch(s);

    /// <summary>ISO 8601 date and time; without a zone it is taken as UTC.</summary>
    public static bool TryParseIso(string s, out DateTimeOffset value)
    {
        value = default;
        if (!IsoRegex().IsMatch(s)) return false;
        string normalized = s.Length > 0 && (s.EndsWith('Z') || HasOffset(s)) ? s : s + "Z";
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private static bool HasOffset(string s) => s.Length > 6 && (s[^6] == '+' || s[^6] == '-') && s[^3] == ':';

    /// <summary>The last four digits of a number (the magic-number key).</summary>
    public static string LastFour(string number) => number.Length >= 4 ? number[^4..] : number;
}
