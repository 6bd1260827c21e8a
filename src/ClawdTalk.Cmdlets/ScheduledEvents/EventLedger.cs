using System.Collections.Concurrent;
using System.Net.Http;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// The bookkeeping of scheduled events: every scheduled event is a record in its mission's memory (`scheduled_events`, a list
    /// the published client reads too) as soon as it exists, and an event on the run's timeline. Memory writes from many
    /// workers are committed together (one locked read-modify-write of the state file for all that are waiting), and are
    /// not cancelled by Ctrl+C: an event that exists is always recorded. The changes run on the tree the ledger wrote last
    /// (reused while the file is unchanged): they must not keep references into it.
    /// </summary>
    internal sealed class EventLedger
    {
        sealed class Pending
        {
            public string Slug = "";
            public Action<JObject> Change = _ => { };
            public readonly TaskCompletionSource<bool> Done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        readonly MissionStateStore _store;
        readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        readonly ConcurrentQueue<Pending> _queue = new ConcurrentQueue<Pending>();
        int _writes;

        public EventLedger(MissionStateStore store) { _store = store; }

        /// <summary>State file writes so far (each may carry many changes).</summary>
        public int Writes => _writes;

        /// <summary>The write the changes being applied belong to (read inside a change: <see cref="RecordIndex"/> is rebuilt once per write).</summary>
        public int Generation { get; private set; }

        /// <summary>Applies <paramref name="change"/> to the slug's entry, together with whatever other changes are waiting.</summary>
        public async Task ChangeAsync(string slug, Action<JObject> change)
        {
            var p = new Pending { Slug = slug, Change = change };
            _queue.Enqueue(p);
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!p.Done.Task.IsCompleted) Flush();
            }
            finally { _gate.Release(); }
            await p.Done.Task.ConfigureAwait(false);
        }

        public void Change(string slug, Action<JObject> change) => ChangeAsync(slug, change).GetAwaiter().GetResult();

        void Flush()
        {
            var batch = new List<Pending>();
            while (_queue.TryDequeue(out var p)) batch.Add(p);
            if (batch.Count == 0) return;
            var failures = new Dictionary<Pending, Exception>();
            try
            {
                _store.MutateReusing(root =>
                {
                    Generation++;
                    foreach (var p in batch)
                    {
                        if (!(root[p.Slug] is JObject entry))
                        {
                            failures[p] = MissionStateStore.NotFound(p.Slug, _store.Path);
                            continue;
                        }
                        try
                        {
                            p.Change(entry);
                            entry[StateKeys.LastUpdated] = MissionStateStore.Now();
                        }
                        catch (Exception ex) { failures[p] = ex; }
                    }
                });
                Interlocked.Increment(ref _writes);
            }
            catch (Exception ex)
            {
                foreach (var p in batch) p.Done.TrySetException(ex);
                return;
            }
            foreach (var p in batch)
                if (failures.TryGetValue(p, out var ex)) p.Done.TrySetException(ex);
                else p.Done.TrySetResult(true);
        }

        // ---- records (the one record schema and its place: EventRecords) ----

        /// <summary>The memory record of an event: who, when, which attempt, and what the target carried.</summary>
        public static JObject RecordOf(ScheduledEvent ev)
        {
            var o = new JObject
            {
                ["event_id"] = ev.EventId,
                ["assistant_id"] = ev.AssistantId,
                ["channel"] = ev.Channel == ScheduledEventChannel.Sms ? "sms" : "call",
                ["to"] = ev.To,
                ["from"] = ev.From,
                ["scheduled_at"] = ev.ScheduledAt.HasValue ? ApiText.Iso(ev.ScheduledAt.Value) : null,
                ["run_id"] = ev.RunId,
                ["step_id"] = ev.StepId,
                ["attempt"] = ev.Attempt,
                ["status"] = Wire(ev.Status),
                ["recorded_at"] = MissionStateStore.Now(),
            };
            if (ev.RetryOf != null) o["retry_of"] = ev.RetryOf;
            if (ev.Name != null) o["name"] = ev.Name;
            if (ev.RecipientType.HasValue) o["recipient_type"] = ev.RecipientType.Value.ToString();
            if (ev.TimeZone != null) o["time_zone"] = ev.TimeZone;
            if (ev.TimeWindow != null) o["time_window"] = ev.TimeWindow;
            if (ev.Text != null) o["text"] = ev.Text;
            if (ev.VariablesJson != null && ev.VariablesJson.Count > 0) o["variables"] = ev.VariablesJson.DeepClone();
            return o;
        }

        /// <summary>What the record says about how it ended.</summary>
        public static void SetOutcome(JObject r, ScheduledEvent ev)
        {
            r["status"] = Wire(ev.Status);
            if (ev.CallStatus != null) r["call_status"] = ev.CallStatus;
            if (ev.Outcome != null) r["outcome"] = ev.Outcome;
            if (ev.ConversationId != null) r["conversation_id"] = ev.ConversationId;
            if (ev.IsTerminal) r["finished_at"] = MissionStateStore.Now();
        }

        public static string Wire(ScheduledEventStatus s) => s switch
        {
            ScheduledEventStatus.Pending => "pending",
            ScheduledEventStatus.InProgress => "in_progress",
            ScheduledEventStatus.Completed => "completed",
            ScheduledEventStatus.Failed => "failed",
            _ => "unknown",
        };

        /// <summary>A ScheduledEvent rebuilt from a memory record (for reruns and waits by slug).</summary>
        public static ScheduledEvent FromRecord(JObject r, string? slug, string? missionId, string? runId)
        {
            var ev = new ScheduledEvent
            {
                EventId = Json.Str(r, "event_id") ?? "",
                AssistantId = Json.Str(r, "assistant_id") ?? "",
                Channel = ScheduledEvent.ParseChannel(Json.Str(r, "channel")),
                To = Json.Str(r, "to"),
                From = Json.Str(r, "from"),
                ScheduledAt = Json.Date(r, "scheduled_at"),
                Status = ScheduledEvent.ParseStatus(Json.Str(r, "status")),
                CallStatus = Json.Str(r, "call_status"),
                Outcome = Json.Str(r, "outcome"),
                ConversationId = Json.Str(r, "conversation_id"),
                Attempt = Json.Int(r, "attempt") ?? 1,
                RetryOf = Json.Str(r, "retry_of"),
                Slug = slug,
                MissionId = missionId,
                RunId = Json.Str(r, "run_id") ?? runId,
                StepId = Json.Str(r, "step_id"),
                Name = Json.Str(r, "name"),
                RecipientType = Targets.ParseRecipientType(Json.Str(r, "recipient_type")),
                Text = Json.Str(r, "text"),
                TimeZone = Json.Str(r, "time_zone"),
                TimeWindow = Json.Str(r, "time_window"),
            };
            ev.SetVariables(r["variables"] as JObject);
            return ev;
        }

        /// <summary>The earlier attempts of a target, oldest first, as the PreviousAttempts of its latest event.</summary>
        public static object?[] AttemptsBefore(IEnumerable<JObject> records, ScheduledEvent ev)
        {
            var chain = new List<JObject>();
            var byId = records.Where(r => Json.Str(r, "event_id") != null).GroupBy(r => Json.Str(r, "event_id")!).ToDictionary(g => g.Key, g => g.First());
            var cur = ev.RetryOf;
            for (var i = 0; cur != null && i < 50 && byId.TryGetValue(cur, out var r); i++)
            {
                chain.Insert(0, r);
                cur = Json.Str(r, "retry_of");
            }
            return chain.Select(r => Json.ToPowerShell(new JObject
            {
                ["attempt"] = r["attempt"], ["event_id"] = r["event_id"], ["scheduled_at"] = r["scheduled_at"],
                ["status"] = r["status"], ["call_status"] = r["call_status"], ["outcome"] = r["outcome"],
            })).ToArray();
        }
    }
}

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// One read of the state file, indexed for finding the slug and memory record of many events at once (a wait over a
    /// thousand events reads the file once, not once per event).
    /// </summary>
    internal sealed class StoreIndex
    {
        readonly Dictionary<string, List<(string Slug, JObject Record)>> _byEvent = new Dictionary<string, List<(string, JObject)>>(StringComparer.Ordinal);
        readonly Dictionary<string, List<string>> _byRun = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public StoreIndex(JObject root)
        {
            foreach (var p in root.Properties())
            {
                if (!(p.Value is JObject entry)) continue;
                var mid = Json.Str(entry, StateKeys.MissionId);
                var rid = Json.Str(entry, StateKeys.RunId);
                if (mid != null && rid != null)
                {
                    if (!_byRun.TryGetValue(mid + "/" + rid, out var slugs)) _byRun[mid + "/" + rid] = slugs = new List<string>();
                    slugs.Add(p.Name);
                }
                foreach (var r in EventRecords.Read(entry))
                {
                    var eid = Json.Str(r, "event_id");
                    var aid = Json.Str(r, "assistant_id");
                    if (eid == null) continue;
                    if (!_byEvent.TryGetValue((aid ?? "") + "/" + eid, out var hits)) _byEvent[(aid ?? "") + "/" + eid] = hits = new List<(string, JObject)>();
                    hits.Add((p.Name, r));
                }
            }
        }

        /// <summary>Reads the store once; an unreadable store gives an empty index (and a verbose line).</summary>
        public static StoreIndex Read(MissionStateStore store, Action<string> log)
        {
            try { return new StoreIndex(store.ReadAll()); }
            catch (ClawdTalkException ex)
            {
                log($"The state store was not consulted: {ex.Message}");
                return new StoreIndex(new JObject());
            }
        }

        /// <summary>
        /// The slug and record of an event: in its own slug when it has one; else the entry whose memory holds this event
        /// (same assistant, event, run and number); else the entry of its run (record null).
        /// </summary>
        public (string? Slug, JObject? Record) Find(ScheduledEvent ev)
        {
            _byEvent.TryGetValue(ev.AssistantId + "/" + ev.EventId, out var hits);
            hits ??= new List<(string Slug, JObject Record)>();
            if (ev.Slug != null)
                return (ev.Slug, hits.Where(h => h.Slug == ev.Slug).Select(h => h.Record).FirstOrDefault());
            foreach (var (slug, r) in hits)
            {
                var run = Json.Str(r, "run_id");
                if (ev.RunId != null && run != null && run != ev.RunId) continue;
                var to = Json.Str(r, "to");
                if (ev.To != null && to != null && Digits(to) != Digits(ev.To)) continue;
                return (slug, r);
            }
            if (ev.MissionId != null && ev.RunId != null && _byRun.TryGetValue(ev.MissionId + "/" + ev.RunId, out var slugs)) return (slugs[0], null);
            return (null, null);
        }

        static string Digits(string s) => new string(s.Where(char.IsDigit).ToArray());
    }
}
