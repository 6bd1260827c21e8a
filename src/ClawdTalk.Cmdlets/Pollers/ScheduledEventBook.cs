using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ClawdTalk.Api;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Pollers
{
    /// <summary>
    /// The keys a poller adds to a slug's entry of the state file (the published client ignores keys it does not know):
    /// <list type="bullet">
    /// <item>`scheduled_events`: the scheduled calls and texts the mission waits for, one record each
    /// (`event_id`, `assistant_id`, `channel`, `to`, `from`, `step_id`, `scheduled_at`, `status`, `call_status`,
    /// `outcome`, `conversation_id`, `attempt`, `retry_of`, `retried_by`, `handled`). Register-ClawdTalkPoller adds
    /// piped events; a tick adds the assistant's events of the run when none are recorded, and the retries it schedules.</item>
    /// <item>`retry_policy`: `{max_attempts, delay_seconds}` for calls that end no-answer, busy or failed.</item>
    /// <item>`poller`: how the poller runs (program, arguments, module, carried environment), so a tick can re-register it.</item>
    /// </list>
    /// </summary>
    internal static class PollerStateKeys
    {
        public const string ScheduledEvents = "scheduled_events", RetryPolicy = "retry_policy", Poller = "poller";
    }

    /// <summary>One scheduled event as the poller records it (a view over its JSON record).</summary>
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

        /// <summary>A call that ended without a conversation for a reason a later attempt may not meet (the contract's retryable statuses).</summary>
        public bool IsRetryableFailure =>
            IsCall && IsFinal && Status != "missing" && (CallStatus == "no-answer" || CallStatus == "busy" || CallStatus == "failed");

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
            foreach (var key in new[] { "status", "call_status", "outcome", "conversation_id", "retry_count", "scheduled_at", "to", "from", "channel", "step_id", "started_at", "ended_at", "duration_seconds" })
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
            if (retryOf != null) r.Json["retry_of"] = retryOf;
            return r;
        }
    }

    /// <summary>The records of a slug's entry, and how they are merged back under the store's lock.</summary>
    internal static class EventRecords
    {
        public static List<EventRecord> Of(JObject entry) =>
            (entry[PollerStateKeys.ScheduledEvents] as JArray)?.OfType<JObject>().Select(o => new EventRecord((JObject)o.DeepClone()))
                .Where(r => r.Id.Length > 0).ToList() ?? new List<EventRecord>();

        /// <summary>Writes <paramref name="records"/> into the entry: same event id replaced, records added meanwhile kept.</summary>
        public static void Merge(JObject entry, IEnumerable<EventRecord> records)
        {
            if (!(entry[PollerStateKeys.ScheduledEvents] is JArray list)) entry[PollerStateKeys.ScheduledEvents] = list = new JArray();
            foreach (var r in records)
            {
                var existing = list.OfType<JObject>().FirstOrDefault(o => Json.Str(o, "event_id") == r.Id);
                if (existing == null) list.Add(r.Json.DeepClone());
                else existing.Replace(r.Json.DeepClone());
            }
        }

        public static (int maxAttempts, TimeSpan delay) Policy(JObject entry)
        {
            var p = entry[PollerStateKeys.RetryPolicy] as JObject;
            var max = Json.Int(p, "max_attempts") ?? 1;
            var delay = Json.Int(p, "delay_seconds") ?? 300;
            return (Math.Max(1, Math.Min(max, 10)), TimeSpan.FromSeconds(Math.Max(60, delay)));
        }

        /// <summary>`2026-01-01T12:00:00Z`: the form scheduled_at is sent in.</summary>
        public static string Iso(DateTimeOffset t) => ApiText.Iso(t);
    }
}
