using System.Diagnostics;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The service's clock, as this module reads it: what "now" is for every time sent to the service (scheduled_at) and
    /// compared with the times it serves. The real service keeps real time, so its clock is this machine's. The sandbox
    /// announces that its clock runs faster (the contract's sandbox extension, X-ClawdTalk-Sandbox-Time-Scale: at 60× a
    /// minute passes in a second), so its clock is read from the Date header of its answers and runs on at that scale in
    /// between. A time the user gives on this machine's clock (`-At (Get-Date).AddMinutes(5)`) is as far ahead on the
    /// service's (<see cref="FromLocal"/>). One per connection; safe to read from any thread.
    /// </summary>
    internal sealed class ServiceClock : TimeProvider
    {
        sealed class Reading
        {
            public Reading(DateTimeOffset at, long timestamp, double scale) { At = at; Timestamp = timestamp; Scale = scale; }
            public DateTimeOffset At { get; }
            public long Timestamp { get; }
            public double Scale { get; }
            public DateTimeOffset Now(long timestamp) => At + TimeSpan.FromTicks((long)((timestamp - Timestamp) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency * Scale));
        }

        volatile Reading? _reading;

        /// <summary>How many times faster than real time the service's clock runs (1: real time).</summary>
        public double Scale => _reading?.Scale ?? 1;

        /// <summary>True when the service's clock is its own (a sandbox running faster than real time).</summary>
        public bool IsScaled => _reading != null;

        public override DateTimeOffset GetUtcNow()
        {
            var r = _reading;
            return r == null ? DateTimeOffset.UtcNow : r.Now(Stopwatch.GetTimestamp());
        }

        /// <summary>How far the service's clock is ahead of this machine's (zero for the real service).</summary>
        public TimeSpan Offset => _reading == null ? TimeSpan.Zero : GetUtcNow() - DateTimeOffset.UtcNow;

        /// <summary>A time given on this machine's clock, on the service's: as far from its now as it is from this machine's.</summary>
        public DateTimeOffset FromLocal(DateTimeOffset local) => _reading == null ? local : local + Offset;

        /// <summary>
        /// Learns from an answer: its time scale (1 when the header is absent) and its Date. The Date has whole seconds, so an
        /// earlier reading run on to now is kept while it falls within that second (it is the finer one).
        /// </summary>
        internal void Observe(double scale, DateTimeOffset? date)
        {
            if (scale == 1 || double.IsNaN(scale)) { _reading = null; return; }
            if (date == null)
            {
                var old = _reading;
                _reading = new Reading(old?.Now(Stopwatch.GetTimestamp()) ?? DateTimeOffset.UtcNow, Stopwatch.GetTimestamp(), scale);
                return;
            }
            var now = Stopwatch.GetTimestamp();
            var prev = _reading;
            if (prev != null && prev.Scale == scale)
            {
                var projected = prev.Now(now);
                // the answer left the service up to a moment ago: allow the latency of a local request at this scale
                var slack = TimeSpan.FromTicks((long)Math.Max(TimeSpan.TicksPerSecond, TimeSpan.TicksPerSecond / 20.0 * scale));
                if (projected >= date.Value && projected < date.Value + slack) return;
            }
            _reading = new Reading(date.Value, now, scale);
        }
    }
}
