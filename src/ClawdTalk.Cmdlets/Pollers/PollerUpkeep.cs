using Newtonsoft.Json.Linq;

namespace ClawdTalk.Pollers
{
    /// <summary>
    /// A mission's poller as a poll tick keeps it: re-registered at the interval its next event asks for, removed when the
    /// mission has ended (Invoke-ClawdTalkPoll is its caller).
    /// </summary>
    internal sealed class PollerUpkeep
    {
        readonly string _slug;
        readonly MissionStateStore _store;
        readonly Action<string> _verbose;

        public PollerUpkeep(string slug, MissionStateStore store, Action<string> verbose) { _slug = slug; _store = store; _verbose = verbose; }

        /// <summary>The tick's result for a mission that has ended, its poller removed.</summary>
        public void End(PollResult result, IPollerScheduler scheduler, PollerEntry? mine, string status, string message)
        {
            result.Status = PollStatus.Ended;
            result.MissionStatus = char.ToUpperInvariant(status[0]) + status.Substring(1);
            var removedNow = Remove(scheduler);
            result.PollerRemoved = removedNow || mine != null;
            result.Message = message + (result.PollerRemoved ? " Its poller was removed." : "");
            _verbose(result.Message);
        }

        /// <summary>The tick's mark in the mission's poller state: when, how it ended, and the service's clock it asked (when it asked).</summary>
        public void Stamp(PollStatus status, double? timeScale) =>
            _store.UpdateExisting(_slug, e =>
            {
                if (!(e[PollerStateKeys.Poller] is JObject p)) e[PollerStateKeys.Poller] = p = new JObject();
                p["last_tick_at"] = MissionStateStore.Now();
                p["last_status"] = status.ToString();
                if (timeScale.HasValue) p["time_scale"] = timeScale.Value;
            });

        public bool Remove(IPollerScheduler scheduler)
        {
            if (!scheduler.Available) return false;
            var n = scheduler.Unregister(_slug);
            if (n > 0) _verbose($"Removed the {scheduler.Name} poller of '{_slug}'.");
            return n > 0;
        }

        /// <summary>Re-registers the poller with <paramref name="wanted"/> when it runs at another interval; returns the interval it has.</summary>
        public TimeSpan? Retune(TimeSpan wanted, PollerEntry? mine, JObject entry)
        {
            wanted = PollInterval.Normalize(wanted);
            if (mine == null) return null; // run by hand, without a poller: nothing to adjust
            if (mine.Interval == wanted) return wanted;
            var command = PollerCommand.FromJson(entry[PollerStateKeys.Poller]?["command"] as JObject, _slug);
            if (command == null)
            {
                _verbose($"The poller of '{_slug}' was registered without its command in the state file; its interval stays {mine.Interval}.");
                return mine.Interval;
            }
            var scheduler = PollerSchedulers.ForPlatform();
            var spec = new PollerSpec(_slug, wanted, command, mine.RegisteredAt ?? DateTimeOffset.UtcNow);
            if (!scheduler.Register(spec, onlyIfPresent: true)) return null;
            _verbose($"The poller of '{_slug}' now runs {PollInterval.Describe(wanted)} (was {(mine.Interval.HasValue ? PollInterval.Describe(mine.Interval.Value) : "unknown")}).");
            _store.UpdateExisting(_slug, e => { if (e[PollerStateKeys.Poller] is JObject p) p["interval_seconds"] = (int)wanted.TotalSeconds; });
            return wanted;
        }
    }
}
