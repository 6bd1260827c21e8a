using Newtonsoft.Json.Linq;

namespace ClawdTalk
{
    /// <summary>Status of a mission run (`pending`, `running`, `succeeded`, `failed`, `cancelled` on the wire).</summary>
    public enum RunStatus { Pending, Running, Succeeded, Failed, Cancelled, Unknown }

    /// <summary>Status of a plan step (`pending`, `in_progress`, `completed`, `skipped`, `failed` on the wire).</summary>
    public enum StepStatus { Pending, InProgress, Completed, Skipped, Failed, Unknown }

    /// <summary>Type of a run event (`tool_call`, `custom`, `message`, `error`, `step_started`, `step_completed`).</summary>
    public enum MissionEventType { ToolCall, Custom, Message, Error, StepStarted, StepCompleted, Unknown }

    /// <summary>Where a slug of the state store stands: still running, or kept as history once finished.</summary>
    public enum MissionStateStatus { Active, Succeeded, Failed, Cancelled }

    /// <summary>A ClawdTalk mission (`POST /missions`).</summary>
    public sealed class Mission
    {
        public string MissionId { get; internal set; } = "";
        public string? Name { get; internal set; }
        public string? Instructions { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public DateTimeOffset? UpdatedAt { get; internal set; }
        /// <summary>The service's JSON, for fields this type does not model.</summary>
        public object? Raw { get; internal set; }

        internal static Mission From(JObject o) => new Mission
        {
            MissionId = Json.Str(o, "id", "mission_id") ?? "",
            Name = Json.Str(o, "name"),
            Instructions = Json.Str(o, "instructions"),
            CreatedAt = Json.Date(o, "created_at"),
            UpdatedAt = Json.Date(o, "updated_at"),
            Raw = Json.ToPowerShell(o),
        };

        public override string ToString() => MissionId;
    }

    /// <summary>One run of a mission (`POST /missions/{id}/runs`).</summary>
    public sealed class MissionRun
    {
        public string MissionId { get; internal set; } = "";
        public string RunId { get; internal set; } = "";
        /// <summary>The slug of the state store that holds this run, when there is one.</summary>
        public string? Slug { get; internal set; }
        public RunStatus Status { get; internal set; }
        public string? ResultSummary { get; internal set; }
        public object? ResultPayload { get; internal set; }
        public object? Input { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public DateTimeOffset? UpdatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        internal static MissionRun From(JObject o, string missionId) => new MissionRun
        {
            MissionId = Json.Str(o, "mission_id") ?? missionId,
            RunId = Json.Str(o, "run_id", "id") ?? "",
            Status = Wire.Run(Json.Str(o, "status")),
            ResultSummary = Json.Str(o, "result_summary"),
            ResultPayload = Json.ToPowerShell(o["result_payload"]),
            Input = Json.ToPowerShell(o["input"]),
            CreatedAt = Json.Date(o, "created_at"),
            UpdatedAt = Json.Date(o, "updated_at"),
            Raw = Json.ToPowerShell(o),
        };

        public override string ToString() => RunId;
    }

    /// <summary>The plan of a run: its ordered steps.</summary>
    public sealed class MissionPlan
    {
        public string MissionId { get; internal set; } = "";
        public string RunId { get; internal set; } = "";
        public string? Slug { get; internal set; }
        public PlanStep[] Steps { get; internal set; } = Array.Empty<PlanStep>();
        public DateTimeOffset? CreatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        /// <summary>Steps completed or skipped.</summary>
        public int Done
        {
            get { var n = 0; foreach (var s in Steps) if (s.Status == StepStatus.Completed || s.Status == StepStatus.Skipped) n++; return n; }
        }

        /// <summary>`1/2`: steps done of all steps.</summary>
        public string Progress => $"{Done}/{Steps.Length}";

        /// <summary>`calls=Completed, report=Pending`: each step and its status, in order.</summary>
        public string StepStatuses => string.Join(", ", System.Linq.Enumerable.Select(Steps, s => $"{s.StepId}={s.Status}"));

        /// <summary>True when every step is completed, skipped or failed.</summary>
        public bool IsTerminal
        {
            get { foreach (var s in Steps) if (!s.IsTerminal) return false; return Steps.Length > 0; }
        }

        internal static MissionPlan From(JObject o, string missionId, string runId, string? slug)
        {
            var plan = new MissionPlan
            {
                MissionId = Json.Str(o, "mission_id") ?? missionId,
                RunId = Json.Str(o, "run_id") ?? runId,
                Slug = slug,
                CreatedAt = Json.Date(o, "created_at"),
                Raw = Json.ToPowerShell(o),
            };
            var steps = Json.UnwrapList(o, "steps");
            var list = new PlanStep[steps.Count];
            for (var i = 0; i < steps.Count; i++) list[i] = PlanStep.From(steps[i], plan.MissionId, plan.RunId, slug);
            Array.Sort(list, (a, b) => a.Sequence.CompareTo(b.Sequence));
            plan.Steps = list;
            return plan;
        }
    }

    /// <summary>One step of a run's plan.</summary>
    public sealed class PlanStep
    {
        public string? Slug { get; internal set; }
        public string MissionId { get; internal set; } = "";
        public string RunId { get; internal set; } = "";
        public string StepId { get; internal set; } = "";
        public string? Description { get; internal set; }
        public int Sequence { get; internal set; }
        public StepStatus Status { get; internal set; }
        public DateTimeOffset? UpdatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        public bool IsTerminal => Status == StepStatus.Completed || Status == StepStatus.Skipped || Status == StepStatus.Failed;

        internal static PlanStep From(JObject o, string missionId, string runId, string? slug) => new PlanStep
        {
            Slug = slug,
            MissionId = missionId,
            RunId = runId,
            StepId = Json.Str(o, "step_id", "id") ?? "",
            Description = Json.Str(o, "description"),
            Sequence = Json.Int(o, "sequence") ?? 0,
            Status = Wire.Step(Json.Str(o, "status")),
            UpdatedAt = Json.Date(o, "updated_at"),
            Raw = Json.ToPowerShell(o),
        };

        public override string ToString() => StepId;
    }

    /// <summary>An event of a run's timeline (what the dashboard shows).</summary>
    public sealed class MissionEvent
    {
        public string? Slug { get; internal set; }
        public string MissionId { get; internal set; } = "";
        public string RunId { get; internal set; } = "";
        public string? EventId { get; internal set; }
        public MissionEventType Type { get; internal set; }
        public string? Summary { get; internal set; }
        public string? AgentId { get; internal set; }
        public string? StepId { get; internal set; }
        public object? Payload { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        internal static MissionEvent From(JObject o, string missionId, string runId, string? slug) => new MissionEvent
        {
            Slug = slug,
            MissionId = missionId,
            RunId = runId,
            EventId = Json.Str(o, "id", "event_id"),
            Type = Wire.Event(Json.Str(o, "type")),
            Summary = Json.Str(o, "summary"),
            AgentId = Json.Str(o, "agent_id"),
            StepId = Json.Str(o, "step_id"),
            Payload = Json.ToPowerShell(o["payload"]),
            CreatedAt = Json.Date(o, "created_at"),
            Raw = Json.ToPowerShell(o),
        };

        public override string ToString() => Summary ?? "";
    }

    /// <summary>An assistant (Telnyx agent) linked to a mission run.</summary>
    public sealed class LinkedAgent
    {
        public string? Slug { get; internal set; }
        public string MissionId { get; internal set; } = "";
        public string RunId { get; internal set; } = "";
        /// <summary>The assistant's id (`telnyx_agent_id` on the wire).</summary>
        public string AssistantId { get; internal set; } = "";
        public DateTimeOffset? CreatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        internal static LinkedAgent From(JObject o, string missionId, string runId, string? slug) => new LinkedAgent
        {
            Slug = slug,
            MissionId = Json.Str(o, "mission_id") ?? missionId,
            RunId = Json.Str(o, "run_id") ?? runId,
            AssistantId = Json.Str(o, "telnyx_agent_id", "agent_id", "id") ?? "",
            CreatedAt = Json.Date(o, "created_at"),
            Raw = Json.ToPowerShell(o),
        };

        public override string ToString() => AssistantId;
    }

    /// <summary>The completed insights of one conversation (a finished call).</summary>
    public sealed class ConversationInsight
    {
        public string ConversationId { get; internal set; } = "";
        public string? InsightId { get; internal set; }
        public string? Status { get; internal set; }
        /// <summary>The insight named `summary`, else the first result.</summary>
        public string? Summary { get; internal set; }
        /// <summary>The insight named `score`, as a number, when the service gives one.</summary>
        public double? Score { get; internal set; }
        /// <summary>Every insight's `result`, in order.</summary>
        public object?[] Results { get; internal set; } = Array.Empty<object?>();
        /// <summary>The insights as the service sent them (`name`, `result`, …).</summary>
        public object?[] Insights { get; internal set; } = Array.Empty<object?>();
        /// <summary>Carried through from the pipeline input, so the result flows on to Complete-ClawdTalkMission.</summary>
        public string? Slug { get; internal set; }
        public string? MissionId { get; internal set; }
        public string? RunId { get; internal set; }
        /// <summary>The plan step of the call the conversation came from, when it came through the pipeline.</summary>
        public string? StepId { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public object? Raw { get; internal set; }

        internal static ConversationInsight From(JObject o, string conversationId)
        {
            var items = Json.UnwrapList(o, "conversation_insights");
            var results = new object?[items.Count];
            var insights = new object?[items.Count];
            string? summary = null;
            double? score = null;
            for (var i = 0; i < items.Count; i++)
            {
                results[i] = Json.ToPowerShell(items[i]["result"]);
                insights[i] = Json.ToPowerShell(items[i]);
                if (summary == null && string.Equals(Json.Str(items[i], "name"), "summary", StringComparison.OrdinalIgnoreCase)) summary = Json.Str(items[i], "result");
                if (score == null && string.Equals(Json.Str(items[i], "name"), "score", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(Json.Str(items[i], "result"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var sc)
                    && !double.IsNaN(sc) && !double.IsInfinity(sc)) score = sc;
            }
            if (summary == null && items.Count > 0) summary = Json.Str(items[0], "result");
            return new ConversationInsight
            {
                ConversationId = Json.Str(o, "conversation_id") ?? conversationId,
                InsightId = Json.Str(o, "id"),
                Status = Json.Str(o, "status"),
                Summary = summary,
                Score = score,
                Results = results,
                Insights = insights,
                CreatedAt = Json.Date(o, "created_at"),
                Raw = Json.ToPowerShell(o),
            };
        }

        public override string ToString() => Summary ?? ConversationId;
    }

    /// <summary>One key of a mission's memory in the state store.</summary>
    public sealed class MissionMemoryEntry
    {
        public string Slug { get; internal set; } = "";
        public string Key { get; internal set; } = "";
        public object? Value { get; internal set; }
        /// <summary>The value as compact JSON, as the state file holds it.</summary>
        public string Json { get; internal set; } = "null";

        public override string ToString() => Key;
    }

    /// <summary>
    /// One slug of the state store (the published `.missions_state.json` entry): the ids a mission's later commands
    /// need, its memory, and, once finished, its outcome kept as history.
    /// </summary>
    public sealed class MissionState
    {
        public string Slug { get; internal set; } = "";
        public string? MissionName { get; internal set; }
        public string? MissionId { get; internal set; }
        public string? RunId { get; internal set; }
        public MissionStateStatus Status { get; internal set; }
        /// <summary>The run's status as last seen by this module.</summary>
        public RunStatus? RunStatus { get; internal set; }
        public string? AssistantId { get; internal set; }
        public string? AgentPhone { get; internal set; }
        public string? PhoneNumberId { get; internal set; }
        /// <summary>The plan's step ids, in order.</summary>
        public string[] StepIds { get; internal set; } = Array.Empty<string>();
        public int StepCount => StepIds.Length;
        /// <summary>The mission's memory: keys to values.</summary>
        public object? Memory { get; internal set; }
        public string? ResultSummary { get; internal set; }
        public DateTimeOffset? CreatedAt { get; internal set; }
        public DateTimeOffset? LastUpdated { get; internal set; }
        public DateTimeOffset? CompletedAt { get; internal set; }
        /// <summary>Earlier runs of this slug that finished before the current one started.</summary>
        public object?[] PreviousRuns { get; internal set; } = Array.Empty<object?>();
        /// <summary>The state file this came from.</summary>
        public string Path { get; internal set; } = "";
        public object? Raw { get; internal set; }

        public override string ToString() => Slug;
    }

    /// <summary>Converts statuses and types between the wire's snake_case and the enums.</summary>
    internal static class Wire
    {
        public static RunStatus Run(string? s)
        {
            switch ((s ?? "").ToLowerInvariant())
            {
                case "pending": return RunStatus.Pending;
                case "running": return RunStatus.Running;
                case "succeeded": return RunStatus.Succeeded;
                case "failed": return RunStatus.Failed;
                case "cancelled": case "canceled": return RunStatus.Cancelled;
                default: return RunStatus.Unknown;
            }
        }

        public static string Run(RunStatus s) => s switch
        {
            RunStatus.Pending => "pending", RunStatus.Running => "running", RunStatus.Succeeded => "succeeded",
            RunStatus.Failed => "failed", RunStatus.Cancelled => "cancelled", _ => throw new ArgumentOutOfRangeException(nameof(s)),
        };

        public static bool IsTerminal(RunStatus s) => s == RunStatus.Succeeded || s == RunStatus.Failed || s == RunStatus.Cancelled;

        public static StepStatus Step(string? s)
        {
            switch ((s ?? "").ToLowerInvariant())
            {
                case "pending": return StepStatus.Pending;
                case "in_progress": return StepStatus.InProgress;
                case "completed": return StepStatus.Completed;
                case "skipped": return StepStatus.Skipped;
                case "failed": return StepStatus.Failed;
                default: return StepStatus.Unknown;
            }
        }

        public static string Step(StepStatus s) => s switch
        {
            StepStatus.Pending => "pending", StepStatus.InProgress => "in_progress", StepStatus.Completed => "completed",
            StepStatus.Skipped => "skipped", StepStatus.Failed => "failed", _ => throw new ArgumentOutOfRangeException(nameof(s)),
        };

        public static MissionEventType Event(string? s)
        {
            switch ((s ?? "").ToLowerInvariant())
            {
                case "tool_call": return MissionEventType.ToolCall;
                case "custom": return MissionEventType.Custom;
                case "message": return MissionEventType.Message;
                case "error": return MissionEventType.Error;
                case "step_started": return MissionEventType.StepStarted;
                case "step_completed": return MissionEventType.StepCompleted;
                default: return MissionEventType.Unknown;
            }
        }

        public static string Event(MissionEventType t) => t switch
        {
            MissionEventType.ToolCall => "tool_call", MissionEventType.Custom => "custom", MissionEventType.Message => "message",
            MissionEventType.Error => "error", MissionEventType.StepStarted => "step_started", MissionEventType.StepCompleted => "step_completed",
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };

        /// <summary>
        /// Reads a status or type the user typed, in either spelling (`in_progress`, `InProgress`, `in-progress`), into
        /// an enum value other than Unknown; null when it is not one.
        /// </summary>
        public static T? Parse<T>(string? text) where T : struct, Enum
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var compact = text!.Trim().Replace("_", "").Replace("-", "").Replace(" ", "");
            if (compact.Equals("canceled", StringComparison.OrdinalIgnoreCase)) compact = "Cancelled";
            foreach (var name in Enum.GetNames(typeof(T)))
                if (name != "Unknown" && name.Equals(compact, StringComparison.OrdinalIgnoreCase)) return (T)Enum.Parse(typeof(T), name);
            return null;
        }
    }
}
