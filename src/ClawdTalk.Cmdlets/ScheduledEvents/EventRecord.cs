using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// One scheduled event as the state file records it: a view over its JSON record in the slug's
    /// `memory.scheduled_events` (`event_id`, `assistant_id`, `channel`, `to`, `from`, `run_id`, `step_id`, `scheduled_at`,
    /// `status`, `call_status`, `outcome`, `conversation_id`, `attempt`, `retry_of`, `retried_by`, `handled`, and what
    /// the target carried: `name`, `recipient_type`, `time_zone`, `time_window`, `text`, `variables`). Register-ClawdTalkCall
    /// and -Sms write them (<see cref="EventLedger.RecordOf"/>), Wait-ClawdTalkEvent and Invoke-ClawdTalkPoll update them.
    /// </summary>
    internal sealed class EventRecord
    {
        public EventRecord(JObject json) { Json = json; }

        public JObject Json { get; }

        public string Id => Api.Json.Str(Json, "event_id") ?? "";
        public string? AssistantId => Api.Json.Str(Json, "assistant_id");
        public string? Channel => Api.Json.Str(Json, "channel");
        public string? To => Api.Json.Str(Json, "to");
        public string? From => Api.Json.Str(Json, "from");
        public string? StepId => Api.Json.Str(Json, "step_id");
        public string? Status => Api.Json.Str(Json, "status")?.ToLowerInvariant();
        public string? CallStatus => Api.Json.Str(Json, "call_status")?.ToLowerInvariant();
        public string? ConversationId => Api.Json.Str(Json, "conversation_id");
        public DateTimeOffset? ScheduledAt => Api.Json.Date(Json, "scheduled_at");
        public int Attempt => Api.Json.Int(Json, "attempt") ?? 1;
        public string? RetriedBy => Api.Json.Str(Json, "retried_by");
        public bool Handled => Api.Json.Bool(Json, "handled") == true;

        /// <summary>completed, failed, canceled (or gone from the service): nothing more will happen to it.</summary>
        public bool IsFinal => Status == "completed" || Status == "failed" || Status == "canceled" || Status == "cancelled" || Status == "missing";

        public bool IsCall => Channel == "call" || (Channel == null && CallStatus != null);

        /// <summary>A call that ended without a conversation for a reason a later attempt may not meet (<see cref="RetryRule.IsRetryableEnd"/>).</summary>
        public bool IsRetryableFailure =>
            RetryRule.IsRetryableEnd(IsCall, IsFinal && Status != "missing", Status == "failed", CallStatus ?? Api.Json.Str(Json, "outcome"));

        /// <summary>How it ended, in words: answered, voicemail, no-answer, busy, failed, canceled, sent.</summary>
        public string Outcome
        {
            get
            {
                var outcome = Api.Json.Str(Json, "outcome");
                if (!string.IsNullOrEmpty(outcome)) return outcome!;
                if (Status == "missing") return "gone from the service";
                if (IsCall) return CallStatus == "completed" ? "answered" : CallStatus ?? Status ?? "unknown";
                return Status == "completed" ? "sent" : Status ?? "unknown";
            }
        }

        public string Describe() => (IsCall ? "call to " : "text to ") + (To ?? Id);

        /// <summary>Takes the fields the service reports from a fresh read of the event.</summary>
        public void Update(JObject ev)
        {
            foreach (var key in new[] { "status", "call_status", "outcome", "conversation_id", "retry_count", "scheduled_at", "to", "from", "channel", "step_id", "run_id", "started_at", "ended_at", "duration_seconds" })
            {
                var v = ev[key];
                if (v != null && v.Type != JTokenType.Null) Json[key] = v.DeepClone();
            }
            if (Json["assistant_id"] == null && Api.Json.Str(ev, "assistant_id") is string aid) Json["assistant_id"] = aid;
            Json["checked_at"] = MissionStateStore.Now();
        }

        /// <summary>A record for an event the service described.</summary>
        public static EventRecord Create(JObject ev, string assistantId, int attempt = 1, string? retryOf = null)
        {
            var r = new EventRecord(new JObject { ["event_id"] = Api.Json.Str(ev, "id", "event_id") ?? "", ["assistant_id"] = Api.Json.Str(ev, "assistant_id") ?? assistantId });
            r.Update(ev);
            r.Json["attempt"] = attempt;
            r.Json["recorded_at"] = MissionStateStore.Now();
            if (retryOf != null) r.Json["retry_of"] = retryOf;
            return r;
        }
    }

    /// <summary>
    /// The one place of the event records in a slug's entry, `memory.scheduled_events`, and the one migration of the
    /// older layout: state files written before issue 17 kept a poller's records at the entry's top level
    /// (`scheduled_events`). Those are read as records too, and moved into memory by the next locked write
    /// (<see cref="Migrate"/>, called by every writer), field by field (the memory record's fields win; keys neither
    /// layout knows are kept).
    /// </summary>
    internal static class EventRecords
    {
        /// <summary>The key of the list in the mission's memory (the published client reads memory too).</summary>
        public const string Key = "scheduled_events";

        /// <summary>The records (copies: change them and <see cref="Merge"/> them back under the store's lock).</summary>
        public static List<EventRecord> Of(JObject entry) =>
            Read(entry).Select(o => new EventRecord((JObject)o.DeepClone())).Where(r => r.Id.Length > 0).ToList();

        /// <summary>The records as stored, read only: memory's, then the older layout's not yet moved.</summary>
        public static IReadOnlyList<JObject> Read(JObject? entry)
        {
            if (entry == null) return Array.Empty<JObject>();
            var memory = (entry[StateKeys.Memory] as JObject)?[Key] as JArray;
            var legacy = entry[Key] as JArray;
            if (legacy == null) return memory?.OfType<JObject>().ToList() ?? (IReadOnlyList<JObject>)Array.Empty<JObject>();
            var list = memory?.OfType<JObject>().ToList() ?? new List<JObject>();
            var index = list.Select((r, i) => (id: Json.Str(r, "event_id"), i)).Where(x => x.id != null).GroupBy(x => x.id!).ToDictionary(g => g.Key, g => g.First().i);
            foreach (var old in legacy.OfType<JObject>())
            {
                var id = Json.Str(old, "event_id");
                if (id == null) continue;
                if (index.TryGetValue(id, out var at)) list[at] = Combined(list[at], old);
                else { index[id] = list.Count; list.Add(old); }
            }
            return list;
        }

        /// <summary>The writable list in memory (created when missing), with the older layout moved into it first.</summary>
        public static JArray List(JObject entry)
        {
            Migrate(entry);
            var memory = MissionStateStore.MemoryOf(entry);
            switch (memory[Key])
            {
                case JArray a: return a;
                case null: { var a = new JArray(); memory[Key] = a; return a; }
                case JToken t when t.Type == JTokenType.Null: { var a = new JArray(); memory[Key] = a; return a; }
                case JToken old: { var a = new JArray(old); memory[Key] = a; return a; }
            }
        }

        /// <summary>Moves records of the older layout (entry-level `scheduled_events`) into memory; true when it moved any.</summary>
        public static bool Migrate(JObject entry)
        {
            if (!(entry[Key] is JToken legacyToken)) return false;
            var combined = Read(entry);
            entry.Remove(Key);
            var memory = MissionStateStore.MemoryOf(entry);
            memory[Key] = new JArray(combined.Select(r => r.DeepClone()));
            return legacyToken is JArray a && a.Count > 0;
        }

        static JObject Combined(JObject current, JObject old)
        {
            var o = (JObject)old.DeepClone();
            o.Merge(current, new JsonMergeSettings { MergeArrayHandling = MergeArrayHandling.Replace, MergeNullValueHandling = MergeNullValueHandling.Ignore });
            return o;
        }

        public static JObject? Find(JArray records, string eventId) =>
            records.OfType<JObject>().FirstOrDefault(r => Json.Str(r, "event_id") == eventId);

        /// <summary>Adds the record of an event, or merges its fields into the one already there (fields written meanwhile are kept).</summary>
        public static void Upsert(JObject entry, JObject record)
        {
            var records = List(entry);
            var existing = Find(records, Json.Str(record, "event_id") ?? "");
            if (existing == null) records.Add(record);
            else MergeInto(existing, record);
        }

        /// <summary>The fields of <paramref name="record"/> over those of <paramref name="existing"/> (nulls do not erase; fields written meanwhile are kept).</summary>
        public static void MergeInto(JObject existing, JObject record) =>
            existing.Merge(record, new JsonMergeSettings { MergeArrayHandling = MergeArrayHandling.Replace, MergeNullValueHandling = MergeNullValueHandling.Ignore });

        public static void Update(JObject entry, string eventId, Action<JObject> change)
        {
            var r = Find(List(entry), eventId);
            if (r != null) change(r);
        }

        /// <summary>Writes <paramref name="records"/> into the entry: same event id merged, records added meanwhile kept.</summary>
        public static void Merge(JObject entry, IEnumerable<EventRecord> records)
        {
            foreach (var r in records) Upsert(entry, (JObject)r.Json.DeepClone());
        }

        /// <summary>The retry policy a poller registration stored for the slug (`retry_policy`), as the one retry rule.</summary>
        public static RetryRule Policy(JObject entry) => RetryRule.FromStored(entry[Pollers.PollerStateKeys.RetryPolicy] as JObject);
    }
}
