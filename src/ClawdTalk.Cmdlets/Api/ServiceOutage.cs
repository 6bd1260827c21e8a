using System.Diagnostics;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// What every wait (scheduled events, insights, approvals, a direct call) does when the service stops answering: a
    /// warning at once, further tries while it stays away, and a terminating error carrying the last ErrorId once it has
    /// been unreachable for the grace period (real time; -UnreachableTimeout, else the config key
    /// <see cref="ConfigKey"/>, else <see cref="DefaultGrace"/>). One answer resets it. Thread-safe: a wait's worker
    /// reports from any thread; the warning goes through the callback the cmdlet gives (queued to its pipeline thread).
    /// </summary>
    internal sealed class ServiceOutage
    {
        public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(60);
        /// <summary>The `skill-config.json` key (seconds) for the grace period of every wait.</summary>
        public const string ConfigKey = "unreachable_timeout";
        /// <summary>While the service is away, the next try comes at the latest after this (real time).</summary>
        public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

        readonly object _gate = new object();
        readonly Action<string> _warn;
        readonly Action<string>? _verbose;
        readonly string _what;
        Stopwatch? _down;
        ClawdTalkException? _last;
        int _failures;

        public ServiceOutage(TimeSpan grace, string what, Action<string> warn, Action<string>? verbose = null)
        {
            Grace = grace;
            _what = what;
            _warn = warn;
            _verbose = verbose;
        }

        public TimeSpan Grace { get; }

        /// <summary>The grace period: the parameter when given, else the config key, else 60 s.</summary>
        public static TimeSpan GraceFrom(TimeSpan? parameter)
        {
            if (parameter.HasValue) return parameter.Value;
            try
            {
                var v = ConfigStore.Read(ModulePaths.ConfigFile)[ConfigKey];
                if (v != null && (v.Type == JTokenType.Integer || v.Type == JTokenType.Float || v.Type == JTokenType.String)
                    && double.TryParse(Convert.ToString(((JValue)v).Value, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0)
                    return TimeSpan.FromSeconds(Math.Min(s, 86400));
            }
            catch (ClawdTalkException) { } // a bad config file does not stop a wait: the default applies
            return DefaultGrace;
        }

        /// <summary>Failures that mean "the service is not there" (as opposed to an answer that says no).</summary>
        public static bool IsOutage(ClawdTalkException ex) =>
            ex.ErrorId == ErrorIds.ServerUnreachable || ex.ErrorId == ErrorIds.RequestTimeout || ex.ErrorId == ErrorIds.ServerError;

        /// <summary>Failures where no answer came at all (no connection, timeouts): for waits where an error answer must end at once.</summary>
        public static bool IsNoAnswer(ClawdTalkException ex) =>
            ex.ErrorId == ErrorIds.ServerUnreachable || ex.ErrorId == ErrorIds.RequestTimeout;

        public bool IsDown { get { lock (_gate) return _down != null; } }

        /// <summary>
        /// Records a failed try. An outage warns at once (first failure) and throws a terminating error with the last
        /// ErrorId once the grace period has passed; any other failure is rethrown as it is.
        /// </summary>
        public void Failed(ClawdTalkException ex)
        {
            if (!IsOutage(ex)) throw ex;
            string? warning = null;
            lock (_gate)
            {
                _last = ex;
                _failures++;
                if (_down == null)
                {
                    _down = Stopwatch.StartNew();
                    warning = $"The ClawdTalk service is unreachable ({ex.ErrorId}) while waiting for {_what}: {ex.Message} "
                              + $"The wait goes on and ends with an error if the service stays unreachable for {Seconds(Grace)}.";
                }
                else if (_down.Elapsed >= Grace) throw GiveUp();
            }
            if (warning != null) _warn(warning);
        }

        /// <summary>The real time left before the wait gives up (null when the service answers).</summary>
        public TimeSpan? Left
        {
            get
            {
                lock (_gate)
                {
                    if (_down == null) return null;
                    var left = Grace - _down.Elapsed;
                    return left < TimeSpan.Zero ? TimeSpan.Zero : left;
                }
            }
        }

        /// <summary>How long to sleep before the next try: <paramref name="next"/>, shortened while the service is away.</summary>
        public TimeSpan Next(TimeSpan next)
        {
            var left = Left;
            if (left == null) return next;
            var cap = left.Value < RetryEvery ? left.Value + TimeSpan.FromMilliseconds(10) : RetryEvery;
            return next < cap ? next : cap;
        }

        /// <summary>A try succeeded: the outage (if any) is over.</summary>
        public void Answered()
        {
            TimeSpan? was = null;
            lock (_gate)
            {
                if (_down == null) return;
                was = _down.Elapsed;
                _down = null;
                _failures = 0;
            }
            _verbose?.Invoke($"The ClawdTalk service answers again (it was unreachable for {was.Value.TotalSeconds:0.#} s).");
        }

        /// <summary>Throws the terminating error when the grace period has passed (for waits that check between tries).</summary>
        public void ThrowIfExpired()
        {
            lock (_gate)
                if (_down != null && _down.Elapsed >= Grace) throw GiveUp();
        }

        ClawdTalkException GiveUp()
        {
            var last = _last!;
            return new ClawdTalkException(last.ErrorId, last.Category,
                $"The ClawdTalk service stayed unreachable for {Seconds(_down!.Elapsed)} ({_failures} failed tries) while waiting for {_what}; stopped waiting. Last error: {last.Message}",
                last.Target, last, terminating: true)
            {
                RecommendedAction = "Check the network and the service, then wait again (what was scheduled goes on at the service). "
                                    + $"A longer grace period: -UnreachableTimeout, or '{ConfigKey}' (seconds) in the configuration file.",
            };
        }

        static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
    }
}
