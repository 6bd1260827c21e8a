using Newtonsoft.Json.Linq;

namespace ClawdTalk
{
    /// <summary>Where a direct call stands. Completed, NoAnswer, Busy, Canceled and Failed are final.</summary>
    public enum DirectCallStatus { Unknown, Initiating, Ringing, InProgress, Completed, NoAnswer, Busy, Canceled, Failed }

    /// <summary>A direct call (`POST /calls`): to the owner's phone, or to an external number in privacy mode.</summary>
    public sealed class DirectCall
    {
        public string CallId { get; internal set; } = "";
        public DirectCallStatus Status { get; internal set; }
        /// <summary>The status word the service used (`in-progress`, `no-answer`, …).</summary>
        public string? StatusText { get; internal set; }
        /// <summary>True once the call is over (a final status, or an end time).</summary>
        public bool IsEnded { get; internal set; }
        public string? Direction { get; internal set; }
        public string? To { get; internal set; }
        public string? From { get; internal set; }
        public string? Greeting { get; internal set; }
        public string? Purpose { get; internal set; }
        /// <summary>Calls to external numbers run in privacy mode on the service side.</summary>
        public bool? PrivacyMode { get; internal set; }
        /// <summary>How it went once ended: answered, voicemail, no-answer, busy, failed, canceled.</summary>
        public string? Outcome { get; internal set; }
        public string? Reason { get; internal set; }
        public int? DurationSeconds { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public DateTimeOffset? AnsweredAt { get; internal set; }
        public DateTimeOffset? EndedAt { get; internal set; }
        /// <summary>The service's JSON for the call, every field included.</summary>
        public object? Raw { get; internal set; }

        /// <summary>Reached, NotReached, Cancelled or Open: the one grouping of outcomes (voicemail is not reached).</summary>
        public OutcomeGroup OutcomeGroup => ScheduledEvents.Outcomes.Group(true, IsEnded, Outcome ?? StatusText,
            Status == DirectCallStatus.Failed || Status == DirectCallStatus.NoAnswer || Status == DirectCallStatus.Busy);

        /// <summary>The callee, or `(owner)` for a call to the owner's phone.</summary>
        public string Callee => string.IsNullOrEmpty(To) ? "(owner)" : To!;

        /// <summary>The talk time as m:ss once known; empty for a call that never connected.</summary>
        public string Duration => DurationSeconds is int d && (IsEnded || d > 0) && (d > 0 || AnsweredAt.HasValue)
            ? $"{d / 60}:{d % 60:00}" : "";

        public override string ToString() => CallId;

        internal static DirectCall FromJson(JObject o, string? fallbackTo = null)
        {
            var text = Json.Str(o, "status", "call_status", "state");
            var status = ParseStatus(text);
            var ended = Json.Date(o, "ended_at", "end_time");
            return new DirectCall
            {
                CallId = Json.Str(o, "call_id", "id", "call_control_id") ?? "",
                Status = status,
                StatusText = text,
                IsEnded = IsFinal(status) || ended.HasValue,
                Direction = Json.Str(o, "direction"),
                To = Json.Str(o, "to", "to_number") ?? fallbackTo,
                From = Json.Str(o, "from", "from_number"),
                Greeting = Json.Str(o, "greeting"),
                Purpose = Json.Str(o, "purpose") ?? Json.Str(o["context"] as JObject, "purpose"),
                PrivacyMode = Json.Bool(o, "privacy_mode", "privacy"),
                Outcome = Json.Str(o, "outcome"),
                Reason = Json.Str(o, "reason", "end_reason"),
                DurationSeconds = Json.Int(o, "duration_seconds", "duration"),
                CreatedAt = Json.Date(o, "created_at", "started_at"),
                AnsweredAt = Json.Date(o, "answered_at"),
                EndedAt = ended,
                Raw = Json.ToPowerShell(o),
            };
        }

        internal static DirectCallStatus ParseStatus(string? text)
        {
            switch ((text ?? "").Trim().ToLowerInvariant().Replace('_', '-').Replace(" ", "-"))
            {
                case "initiating": case "initiated": case "queued": case "dialing": case "created": return DirectCallStatus.Initiating;
                case "ringing": return DirectCallStatus.Ringing;
                case "in-progress": case "inprogress": case "answered": case "active": case "bridged": return DirectCallStatus.InProgress;
                case "completed": case "ended": case "hangup": case "finished": return DirectCallStatus.Completed;
                case "no-answer": case "noanswer": return DirectCallStatus.NoAnswer;
                case "busy": return DirectCallStatus.Busy;
                case "canceled": case "cancelled": return DirectCallStatus.Canceled;
                case "failed": case "error": return DirectCallStatus.Failed;
                default: return DirectCallStatus.Unknown;
            }
        }

        internal static bool IsFinal(DirectCallStatus s) =>
            s == DirectCallStatus.Completed || s == DirectCallStatus.NoAnswer || s == DirectCallStatus.Busy || s == DirectCallStatus.Canceled || s == DirectCallStatus.Failed;
    }
}
