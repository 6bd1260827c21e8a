using Newtonsoft.Json.Linq;

namespace ClawdTalk
{
    /// <summary>Where a scheduled call or text stands (`pending`, `in_progress`, `completed`, `failed` on the wire).</summary>
    public enum ScheduledEventStatus { Pending, InProgress, Completed, Failed, Unknown }

    /// <summary>
    /// How a call or text ended, in the words every view, the wait's progress line and the report share: Reached (a call
    /// answered, a text sent), NotReached (voicemail, no answer, busy, failed), Cancelled, or Open (not over yet).
    /// </summary>
    public enum OutcomeGroup { Open, Reached, NotReached, Cancelled }

    /// <summary>What a scheduled event does: place a call or send a text.</summary>
    public enum ScheduledEventChannel { Call, Sms }

    /// <summary>Who a target is, which decides how unanswered calls are retried (Wait-ClawdTalkEvent -RetryPolicy).</summary>
    public enum RecipientType { AutomatedSystem, Business, Professional }

    /// <summary>How Wait-ClawdTalkEvent reschedules calls that were not answered (no-answer, busy, failed).</summary>
    public enum RetryPolicy
    {
        /// <summary>No retries (the default).</summary>
        None,
        /// <summary>Each event's own RecipientType (given to Register-ClawdTalkCall) decides; events without one are not retried.</summary>
        ByRecipientType,
        /// <summary>Phone trees and other machines: 5, 10, then 15 minutes later; at most 3 retries.</summary>
        AutomatedSystem,
        /// <summary>Businesses: 30 minutes, then 2 hours later; at most 2 retries.</summary>
        Business,
        /// <summary>Busy professionals: the next business day at the same local time; at most 2 retries, and never after a voicemail.</summary>
        Professional,
    }

    /// <summary>A voice assistant (`/assistants`): what the service's agent says and can do on calls and texts.</summary>
    public sealed class Assistant
    {
        public string AssistantId { get; internal set; } = "";
        public string? Name { get; internal set; }
        public string? Description { get; internal set; }
        public string? Model { get; internal set; }
        public string? Voice { get; internal set; }
        /// <summary>What the agent says first; empty means the callee speaks first (outbound calls).</summary>
        public string? Greeting { get; internal set; }
        public string? Instructions { get; internal set; }
        /// <summary>The tools as the service holds them (`type` plus its settings).</summary>
        public object?[] Tools { get; internal set; } = Array.Empty<object?>();
        /// <summary>The tool types, in order (hangup, send_dtmf, …).</summary>
        public string[] ToolTypes { get; internal set; } = Array.Empty<string>();
        /// <summary>`telephony`, `messaging`.</summary>
        public string[] EnabledFeatures { get; internal set; } = Array.Empty<string>();
        /// <summary>With -IncludeConnectionId: the connection a voice number is assigned to.</summary>
        public string? TelephonyConnectionId { get; internal set; }
        /// <summary>With -IncludeConnectionId: the connection an SMS number is assigned to.</summary>
        public string? MessagingConnectionId { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public DateTimeOffset? UpdatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        internal static Assistant From(JObject o)
        {
            var tools = o["tools"] as JArray ?? new JArray();
            return new Assistant
            {
                AssistantId = Json.Str(o, "id", "assistant_id") ?? "",
                Name = Json.Str(o, "name"),
                Description = Json.Str(o, "description"),
                Model = Json.Str(o, "model"),
                Voice = Json.Str(o, "voice"),
                Greeting = o["greeting"]?.Type == JTokenType.String ? (string?)o["greeting"] : Json.Str(o, "greeting"),
                Instructions = Json.Str(o, "instructions"),
                Tools = tools.Select(Json.ToPowerShell).ToArray(),
                ToolTypes = tools.OfType<JObject>().Select(t => Json.Str(t, "type") ?? "").Where(t => t.Length > 0).ToArray(),
                EnabledFeatures = (o["enabled_features"] as JArray)?.Select(t => t.Type == JTokenType.String ? (string?)t : null).Where(s => s != null).Select(s => s!).ToArray()
                    ?? Array.Empty<string>(),
                CreatedAt = Json.Date(o, "created_at"),
                UpdatedAt = Json.Date(o, "updated_at"),
                Raw = Json.ToPowerShell(o),
            };
        }

        public override string ToString() => AssistantId;
    }

    /// <summary>A phone number of the account (`/numbers/account-phones`). Without a connection it is available.</summary>
    public sealed class AccountPhoneNumber
    {
        public string PhoneNumberId { get; internal set; } = "";
        public string? PhoneNumber { get; internal set; }
        /// <summary>The assistant connection the number is assigned to; null when the number is free.</summary>
        public string? ConnectionId { get; internal set; }
        /// <summary>`voice` or `sms` once assigned.</summary>
        public string? Type { get; internal set; }
        public bool IsAvailable => string.IsNullOrEmpty(ConnectionId);
        public object? Raw { get; internal set; }

        internal static AccountPhoneNumber From(JObject o) => new AccountPhoneNumber
        {
            PhoneNumberId = Json.Str(o, "id", "phone_number_id", "phone_id") ?? "",
            PhoneNumber = Json.Str(o, "phone_number", "number"),
            ConnectionId = Json.Str(o, "connection_id"),
            Type = Json.Str(o, "type"),
            Raw = Json.ToPowerShell(o),
        };

        public override string ToString() => PhoneNumber ?? PhoneNumberId;
    }

    /// <summary>
    /// A scheduled call or text (`POST /assistants/{id}/events`), with what this module knows around it: the mission run it
    /// belongs to, the target's name and variables, which attempt it is and the earlier attempts.
    /// </summary>
    public sealed class ScheduledEvent
    {
        public string EventId { get; internal set; } = "";
        public string AssistantId { get; internal set; } = "";
        public ScheduledEventChannel Channel { get; internal set; }
        public string? To { get; internal set; }
        public string? From { get; internal set; }
        public DateTimeOffset? ScheduledAt { get; internal set; }
        public ScheduledEventStatus Status { get; internal set; }
        /// <summary>Calls: ringing, in-progress, completed, no-answer, busy, canceled, failed.</summary>
        public string? CallStatus { get; internal set; }
        /// <summary>How it ended: answered, voicemail, no-answer, busy, failed, canceled (as the service says).</summary>
        public string? Outcome { get; internal set; }
        /// <summary>Set for a finished call: its insights come from Get-ClawdTalkInsight.</summary>
        public string? ConversationId { get; internal set; }
        public int? RetryCount { get; internal set; }
        /// <summary>1 for the first call to this target, 2 for the first retry, …</summary>
        public int Attempt { get; internal set; } = 1;
        /// <summary>The event this one retries.</summary>
        public string? RetryOf { get; internal set; }
        /// <summary>The earlier attempts of this target: event id, when, and how each ended.</summary>
        public object?[] PreviousAttempts { get; internal set; } = Array.Empty<object?>();
        public string? Slug { get; internal set; }
        public string? MissionId { get; internal set; }
        public string? RunId { get; internal set; }
        public string? StepId { get; internal set; }
        /// <summary>The target's name, when its input object had one.</summary>
        public string? Name { get; internal set; }
        /// <summary>The target's other properties (per-target variables), as given to Register-ClawdTalkCall/Sms.</summary>
        public object? Variables
        {
            get => _variables ??= VariablesJson == null ? null : Json.ToPowerShell(VariablesJson);
            internal set { _variables = value; VariablesJson = value == null ? null : Json.FromPowerShell(value) as JObject; }
        }
        object? _variables;
        internal JObject? VariablesJson { get; private set; }
        internal void SetVariables(JObject? vars) { VariablesJson = vars; _variables = null; }
        public RecipientType? RecipientType { get; internal set; }
        /// <summary>The text of a scheduled SMS.</summary>
        public string? Text { get; internal set; }
        /// <summary>The callee's time zone the time window was applied in.</summary>
        public string? TimeZone { get; internal set; }
        /// <summary>The time window the event was scheduled in ('Mon-Fri 09:00-17:00'); retries keep to it.</summary>
        public string? TimeWindow { get; internal set; }
        public DateTimeOffset? StartedAt { get; internal set; }
        public DateTimeOffset? EndedAt { get; internal set; }
        public int? DurationSeconds { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        /// <summary>True once it is completed or failed (a cancelled event is failed with call status canceled).</summary>
        public bool IsTerminal => Status == ScheduledEventStatus.Completed || Status == ScheduledEventStatus.Failed;

        /// <summary>Reached, NotReached, Cancelled or Open: the one grouping of outcomes (voicemail is not reached).</summary>
        public OutcomeGroup OutcomeGroup =>
            ScheduledEvents.Outcomes.Group(Channel == ScheduledEventChannel.Call, IsTerminal, Outcome ?? CallStatus, Status == ScheduledEventStatus.Failed);

        /// <summary>Where it stands in one word: its outcome once over (answered, voicemail, busy, sent…), else its call status or status.</summary>
        public string State => IsTerminal
            ? (Outcome ?? CallStatus ?? (Status == ScheduledEventStatus.Completed ? (Channel == ScheduledEventChannel.Sms ? "sent" : "completed") : "failed"))
            : CallStatus ?? (Status == ScheduledEventStatus.InProgress ? "in-progress" : Status == ScheduledEventStatus.Unknown ? "unknown" : "pending");

        /// <summary>True when it was cancelled before it ran.</summary>
        public bool IsCanceled =>
            IsCancelWord(CallStatus) || IsCancelWord(Outcome);

        /// <summary>A call that ended no-answer, busy or failed: a retry policy may call again (<see cref="ScheduledEvents.RetryRule.IsRetryableEnd"/>).</summary>
        public bool IsRetryable =>
            ScheduledEvents.RetryRule.IsRetryableEnd(Channel == ScheduledEventChannel.Call, IsTerminal, Status == ScheduledEventStatus.Failed, CallStatus ?? Outcome, IsCanceled);

        static bool IsCancelWord(string? s) { var n = Norm(s); return n == "canceled" || n == "cancelled"; }
        internal static string Norm(string? s) => (s ?? "").Trim().ToLowerInvariant().Replace('_', '-');

        public override string ToString() => EventId;

        internal static ScheduledEventStatus ParseStatus(string? s)
        {
            switch (Norm(s))
            {
                case "pending": case "scheduled": case "queued": return ScheduledEventStatus.Pending;
                case "in-progress": case "inprogress": case "running": return ScheduledEventStatus.InProgress;
                case "completed": case "done": case "succeeded": return ScheduledEventStatus.Completed;
                case "failed": case "canceled": case "cancelled": case "error": return ScheduledEventStatus.Failed;
                default: return ScheduledEventStatus.Unknown;
            }
        }

        internal static ScheduledEventChannel ParseChannel(string? s) =>
            Norm(s) == "sms" || Norm(s) == "message" || Norm(s) == "text" ? ScheduledEventChannel.Sms : ScheduledEventChannel.Call;

        /// <summary>Copies what the service says about the event (status, outcome, ids, times) onto this object.</summary>
        internal void Apply(JObject o)
        {
            EventId = Json.Str(o, "id", "event_id") ?? EventId;
            AssistantId = Json.Str(o, "assistant_id") ?? AssistantId;
            if (o["channel"] != null) Channel = ParseChannel(Json.Str(o, "channel"));
            To = Json.Str(o, "to") ?? To;
            From = Json.Str(o, "from") ?? From;
            ScheduledAt = Json.Date(o, "scheduled_at") ?? ScheduledAt;
            var status = Json.Str(o, "status");
            if (status != null) Status = ParseStatus(status);
            CallStatus = Json.Str(o, "call_status") ?? CallStatus;
            Outcome = Json.Str(o, "outcome") ?? Outcome;
            ConversationId = Json.Str(o, "conversation_id") ?? ConversationId;
            RetryCount = Json.Int(o, "retry_count") ?? RetryCount;
            MissionId = Json.Str(o, "mission_id") ?? MissionId;
            RunId = Json.Str(o, "run_id") ?? RunId;
            StepId = Json.Str(o, "step_id") ?? StepId;
            Text = Json.Str(o, "text_body") ?? Text;
            StartedAt = Json.Date(o, "started_at") ?? StartedAt;
            EndedAt = Json.Date(o, "ended_at") ?? EndedAt;
            DurationSeconds = Json.Int(o, "duration_seconds") ?? DurationSeconds;
            CreatedAt = Json.Date(o, "created_at") ?? CreatedAt;
            // a status word in call_status/outcome of a call that the service did not mark failed (e.g. canceled) still ends it
            if (Status == ScheduledEventStatus.Unknown && IsCanceled) Status = ScheduledEventStatus.Failed;
            Raw = Json.ToPowerShell(o);
        }

        internal static ScheduledEvent FromJson(JObject o, string assistantId)
        {
            var e = new ScheduledEvent { AssistantId = assistantId };
            e.Apply(o);
            return e;
        }

        internal ScheduledEvent Clone() => (ScheduledEvent)MemberwiseClone();
    }
}
