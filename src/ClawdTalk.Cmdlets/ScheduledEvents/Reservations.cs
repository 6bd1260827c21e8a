using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// Who is scheduling what right now, across processes: before a schedule (or retry) request is sent, its target is
    /// reserved in the mission's slug entry (<c>pending.reservations.&lt;key&gt;</c>) under the state file's lock, so
    /// two Register-ClawdTalkCall runs, a Wait-ClawdTalkEvent and a poller tick never send the same target twice. A
    /// reservation names its owner (host, pid and process start time); one whose process died, or older than
    /// <see cref="MaxAge"/>, is stale: the caller resolves it by reading the service's event list (adopting what landed),
    /// never by sending blindly. All functions run inside a locked read-modify-write of the entry.
    /// </summary>
    internal static class Reservations
    {
        public const string Key = "reservations";
        /// <summary>A reservation older than this is stale even if its process still runs (a hung or reused pid).</summary>
        public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

        static readonly Lazy<(int Pid, string Started, string Host)> Me = new Lazy<(int, string, string)>(() =>
        {
            using var p = Process.GetCurrentProcess();
            return (p.Id, StartOf(p) ?? "", Environment.MachineName);
        });

        public enum State { Acquired, Done, Held, Stale }

        /// <summary>Tokens of this process whose operation still runs: a reservation of this process not listed here was left by an operation that ended (failed, or its session was stopped).</summary>
        static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> InFlight = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        /// <summary>The operation holding <paramref name="token"/> ended here (its reservation may stay in the store: an unknown outcome).</summary>
        public static void Ended(string? token)
        {
            if (token != null) InFlight.TryRemove(token, out _);
        }

        public sealed class Result
        {
            public State State;
            /// <summary>The event that already exists for the target (Done).</summary>
            public string? EventId;
            /// <summary>Acquired: this caller's token; Stale: the dead owner's reservation.</summary>
            public string? Token;
            public JObject? Stale;
        }

        static JObject Table(JObject entry, bool create)
        {
            if (!(entry[StateKeys.Pending] is JObject pending))
            {
                if (!create) return new JObject();
                entry[StateKeys.Pending] = pending = new JObject();
            }
            if (!(pending[Key] is JObject table))
            {
                if (!create) return new JObject();
                pending[Key] = table = new JObject();
            }
            return table;
        }

        /// <summary>
        /// Takes the target <paramref name="key"/> unless <paramref name="doneBy"/> finds its event already recorded (Done), a
        /// live process holds it (Held) or a dead one did (Stale: resolve it, then <see cref="TakeOver"/>).
        /// </summary>
        public static Result Reserve(JObject entry, string key, Func<JObject, string?> doneBy, string? takeOverToken = null)
        {
            var done = doneBy(entry);
            if (done != null) { Remove(entry, key, null); return new Result { State = State.Done, EventId = done }; }
            var table = Table(entry, create: true);
            if (table[key] is JObject held && Json.Str(held, "token") != takeOverToken)
                return IsAlive(held) ? new Result { State = State.Held } : new Result { State = State.Stale, Stale = (JObject)held.DeepClone() };
            var token = Guid.NewGuid().ToString("N");
            InFlight[token] = true;
            var me = Me.Value;
            table[key] = new JObject
            {
                ["token"] = token, ["pid"] = me.Pid, ["process_started"] = me.Started, ["host"] = me.Host, ["at"] = MissionStateStore.Now(),
            };
            return new Result { State = State.Acquired, Token = token };
        }

        /// <summary>Takes over a stale reservation (only if it is still that one: two resolvers never both take it).</summary>
        public static Result TakeOver(JObject entry, string key, JObject stale, Func<JObject, string?> doneBy) =>
            Reserve(entry, key, doneBy, Json.Str(stale, "token"));

        /// <summary>Removes the reservation (only this owner's when <paramref name="token"/> is given).</summary>
        public static void Remove(JObject entry, string key, string? token)
        {
            var table = Table(entry, create: false);
            if (!(table[key] is JObject held) || (token != null && Json.Str(held, "token") != token)) return;
            table.Remove(key);
            if (table.Count == 0 && entry[StateKeys.Pending] is JObject pending)
            {
                pending.Remove(Key);
                if (pending.Count == 0) entry.Remove(StateKeys.Pending);
            }
        }

        /// <summary>
        /// Stamps this owner's reservation anew (a long campaign reserves its targets well before it sends them: the stamp keeps
        /// one that waits its turn from looking stale); false when it is no longer this owner's.
        /// </summary>
        public static bool Renew(JObject entry, string key, string token)
        {
            if (!(Table(entry, create: false)[key] is JObject held) || Json.Str(held, "token") != token) return false;
            held["at"] = MissionStateStore.Now();
            return true;
        }

        /// <summary>How old a reservation of this process may grow before it is renewed ahead of its request.</summary>
        public static readonly TimeSpan RenewAfter = TimeSpan.FromTicks(MaxAge.Ticks / 2);

        /// <summary>When the reservation was made (for "created since" checks against the service's list).</summary>
        public static DateTimeOffset? Since(JObject reservation) => Json.Date(reservation, "at");

        /// <summary>The owner still runs: same host, the pid exists and started when the reservation says; and it is not too old.</summary>
        static bool IsAlive(JObject r)
        {
            var at = Json.Date(r, "at");
            if (at == null || DateTimeOffset.UtcNow - at.Value > MaxAge) return false;
            if (Json.Str(r, "host") != Me.Value.Host) return true; // another machine: only the age can tell
            var pid = Json.Int(r, "pid");
            if (pid == null) return false;
            if (pid == Me.Value.Pid) return Json.Str(r, "process_started") == Me.Value.Started && InFlight.ContainsKey(Json.Str(r, "token") ?? "");
            try
            {
                using var p = Process.GetProcessById(pid.Value);
                if (p.HasExited) return false;
                var started = StartOf(p);
                return started == null || started == Json.Str(r, "process_started");
            }
            catch (ArgumentException) { return false; }          // no such process
            catch (InvalidOperationException) { return false; }  // exited meanwhile
        }

        static string? StartOf(Process p)
        {
            try { return p.StartTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture); }
            catch (Exception ex) when (ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception || ex is NotSupportedException) { return null; }
        }

        /// <summary>The retry of <paramref name="eventId"/> already scheduled, in either place the state file records attempts.</summary>
        public static string? RetryOf(JObject entry, string eventId)
        {
            var all = EventRecords.Read(entry).ToList();
            foreach (var r in all)
                if (Json.Str(r, "event_id") == eventId && Json.Str(r, "retried_by") is string by) return by;
            foreach (var r in all)
                if (Json.Str(r, "retry_of") == eventId && Json.Str(r, "event_id") is string id) return id;
            return null;
        }
    }
}
