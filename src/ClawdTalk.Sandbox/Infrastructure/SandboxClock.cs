using System.Globalization;

namespace ClawdTalk.Sandbox.Infrastructure;

/// <summary>
/// The sandbox's one clock. It reads the real time when the sandbox starts (and at each reset) and from then on runs
/// <see cref="SandboxOptions.TimeScale"/> times faster: at 60× a minute of sandbox time passes in a real second. Every time the
/// sandbox serves (created_at, started_at, ended_at, expires_at, the HTTP Date header, the logs) and every time it acts on
/// (a scheduled_at falls due when this clock reaches it, the one-minute minimum is a minute of this clock) is a reading of
/// it, so the times it serves agree with each other at any scale: what lasts 60 s lasts 60 s between its timestamps, and
/// nothing starts before it was scheduled. A client that follows the sandbox learns it from the Date header of its answers
/// (the contract's time-scale header says it runs faster).
/// </summary>
internal sealed class SandboxClock
{
    private sealed record Anchor(DateTimeOffset Time, long Mono);

    private readonly double _scale;
    private volatile Anchor _anchor;

    public SandboxClock(double scale)
    {
        _scale = scale;
        _anchor = NewAnchor();
    }

    private static Anchor NewAnchor()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new Anchor(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)), Formats.MonoMs());
    }

    /// <summary>Starts again from the real time (a reset: the state is new, so its clock is too).</summary>
    public void Reset() => _anchor = NewAnchor();

    /// <summary>Sandbox time now.</summary>
    public DateTimeOffset Now => At(Formats.MonoMs());

    /// <summary>Sandbox time now, as the wire writes it.</summary>
    public string NowIso() => Formats.Iso(Now);

    /// <summary>The HTTP Date header value of now (RFC 1123, whole seconds).</summary>
    public string HttpDate() => Now.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Sandbox time at monotonic instant <paramref name="mono"/>.</summary>
    public DateTimeOffset At(long mono)
    {
        Anchor a = _anchor;
        return a.Time.AddMilliseconds((mono - a.Mono) * _scale);
    }

    /// <summary>The monotonic instant (what the scheduler runs on) at which this clock reads <paramref name="time"/>.</summary>
    public long MonoAt(DateTimeOffset time)
    {
        Anchor a = _anchor;
        return a.Mono + (long)Math.Ceiling((time - a.Time).TotalMilliseconds / _scale);
    }

    /// <summary>The real (wall-clock) instant at which this clock reads <paramref name="time"/> (for lags measured by a browser).</summary>
    public DateTimeOffset RealAt(DateTimeOffset time)
    {
        Anchor a = _anchor;
        return a.Time.AddMilliseconds((time - a.Time).TotalMilliseconds / _scale);
    }
}
