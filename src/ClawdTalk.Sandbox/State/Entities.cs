namespace ClawdTalk.Sandbox.State;

// Plain mutable records of the in-memory state. Every read and write happens under SandboxCore.Sync;
// ToJson() builds a fresh tree (copying stored JSON) so a response never shares nodes with the state.

internal sealed class Mission
{
    public string Id = "", Name = "", Instructions = "", CreatedAt = "", UpdatedAt = "";
    public readonly List<Run> Runs = new();

    public JsonObject ToJson() => new()
    {
        ["id"] = Id, ["name"] = Name, ["instructions"] = Instructions,
        ["created_at"] = CreatedAt, ["updated_at"] = UpdatedAt,
    };
}

internal sealed class Run
{
    public static readonly string[] Statuses = { "pending", "running", "succeeded", "failed", "cancelled" };
    public string Id = "", MissionId = "", Status = "pending", CreatedAt = "", UpdatedAt = "";
    public JsonNode? Input, ResultPayload;
    public string? ResultSummary, PlanCreatedAt;
    public List<PlanStep>? Plan;
    public readonly List<RunEvent> Events = new();
    public readonly List<LinkedAgent> Agents = new();
    /// <summary>Scheduled events carrying this run's id that are not terminal yet.</summary>
    public int OpenScheduledEvents;

    public bool IsTerminal => Status is "succeeded" or "failed" or "cancelled";

    public JsonObject ToJson() => new()
    {
        ["run_id"] = Id, ["mission_id"] = MissionId, ["status"] = Status,
        ["input"] = Input?.DeepClone(), ["result_summary"] = ResultSummary, ["result_payload"] = ResultPayload?.DeepClone(),
        ["created_at"] = CreatedAt, ["updated_at"] = UpdatedAt,
    };

    public JsonObject PlanJson() => new()
    {
        ["mission_id"] = MissionId, ["run_id"] = Id, ["created_at"] = PlanCreatedAt,
        ["steps"] = Api.Array(Plan ?? new List<PlanStep>(), s => s.ToJson()),
    };
}

internal sealed class PlanStep
{
    public static readonly string[] Statuses = { "pending", "in_progress", "completed", "skipped", "failed" };
    public string StepId = "", Description = "", Status = "pending", UpdatedAt = "";
    public int Sequence;

    public JsonObject ToJson() => new()
    {
        ["step_id"] = StepId, ["description"] = Description, ["sequence"] = Sequence,
        ["status"] = Status, ["updated_at"] = UpdatedAt,
    };
}

internal sealed class RunEvent
{
    public static readonly string[] Types = { "tool_call", "custom", "message", "error", "step_started", "step_completed" };
    public string Id = "", Type = "", Summary = "", CreatedAt = "";
    public string? AgentId, StepId;
    public JsonNode? Payload;

    public JsonObject ToJson() => new()
    {
        ["id"] = Id, ["type"] = Type, ["summary"] = Summary, ["agent_id"] = AgentId,
        ["step_id"] = StepId, ["payload"] = Payload?.DeepClone(), ["created_at"] = CreatedAt,
    };
}

internal sealed class LinkedAgent
{
    public string TelnyxAgentId = "", MissionId = "", RunId = "", CreatedAt = "";

    public JsonObject ToJson() => new()
    {
        ["telnyx_agent_id"] = TelnyxAgentId, ["mission_id"] = MissionId, ["run_id"] = RunId, ["created_at"] = CreatedAt,
    };
}

internal sealed class Assistant
{
    public static readonly string[] Features = { "telephony", "messaging" };
    public static readonly string[] ToolTypes = { "hangup", "send_dtmf", "webhook", "transfer", "handoff", "retrieval", "refer", "send_message" };
    public string Id = "", Name = "", Model = "", Instructions = "", Greeting = "", Voice = "", CreatedAt = "", UpdatedAt = "";
    public string? Description;
    public JsonArray Tools = new();
    public List<string> EnabledFeatures = new();
    /// <summary>feature → connection id, one per feature ever enabled.</summary>
    public readonly Dictionary<string, string> ConnectionIds = new();

    public JsonObject ToJson() => new()
    {
        ["id"] = Id, ["name"] = Name, ["description"] = Description, ["model"] = Model,
        ["instructions"] = Instructions, ["greeting"] = Greeting, ["voice"] = Voice,
        ["tools"] = Tools.DeepClone(), ["enabled_features"] = Api.Array(EnabledFeatures, f => JsonValue.Create(f)),
        ["created_at"] = CreatedAt, ["updated_at"] = UpdatedAt,
    };
}

internal sealed class Phone
{
    public string Id = "", PhoneNumber = "";
    public string? ConnectionId, Type;

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["id"] = Id, ["phone_number"] = PhoneNumber };
        if (ConnectionId is not null) o["connection_id"] = ConnectionId;
        if (Type is not null) o["type"] = Type;
        return o;
    }
}

internal sealed class ScheduledEvent
{
    public string Id = "", AssistantId = "", Channel = "", To = "", From = "", ScheduledAt = "", Status = "pending", CreatedAt = "", UpdatedAt = "";
    public string? TextBody, MissionId, RunId, StepId, CallStatus, ConversationId, Outcome, StartedAt, EndedAt;
    public int? DurationSeconds;
    public bool IsCall => Channel == "call";
    public bool IsTerminal => Status is "completed" or "failed";

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["id"] = Id, ["assistant_id"] = AssistantId, ["channel"] = Channel, ["to"] = To, ["from"] = From,
            ["scheduled_at"] = ScheduledAt, ["status"] = Status,
        };
        if (IsCall && CallStatus is not null) o["call_status"] = CallStatus;
        if (ConversationId is not null) o["conversation_id"] = ConversationId;
        o["retry_count"] = 0;
        if (TextBody is not null) o["text_body"] = TextBody;
        o["mission_id"] = MissionId;
        o["run_id"] = RunId;
        o["step_id"] = StepId;
        if (Outcome is not null) o["outcome"] = Outcome;
        if (StartedAt is not null) o["started_at"] = StartedAt;
        if (EndedAt is not null) o["ended_at"] = EndedAt;
        if (DurationSeconds is not null) o["duration_seconds"] = DurationSeconds;
        o["created_at"] = CreatedAt;
        o["updated_at"] = UpdatedAt;
        return o;
    }
}

internal sealed class Call
{
    public string Id = "", Direction = "outbound", Status = "initiating", To = "", From = "", CreatedAt = "";
    public string? Greeting, Purpose, Outcome, Reason, AnsweredAt, EndedAt, VoicemailMessage;
    public bool PrivacyMode;
    public long AnsweredMs;
    public int DurationSeconds;
    /// <summary>The outcome the magic number decided when the call started ringing.</summary>
    public string PlannedOutcome = "answered";
    /// <summary>A simulated inbound call: the caller hangs up this many sandbox seconds after the agent's last frame (null: never by itself).</summary>
    public double? HangUpAfter;
    /// <summary>Counts the agent's frames, so only the hang-up planned after the last one ends the call.</summary>
    public int Spoken;
    public bool IsTerminal => Status is "completed" or "no-answer" or "busy" or "failed" or "canceled";

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["call_id"] = Id, ["status"] = Status, ["direction"] = Direction, ["to"] = To, ["from"] = From,
            ["greeting"] = Greeting, ["purpose"] = Purpose, ["privacy_mode"] = PrivacyMode,
            ["duration_seconds"] = DurationSeconds, ["created_at"] = CreatedAt,
        };
        if (AnsweredAt is not null) o["answered_at"] = AnsweredAt;
        if (Outcome is not null) o["outcome"] = Outcome;
        if (Reason is not null) o["reason"] = Reason;
        if (EndedAt is not null) o["ended_at"] = EndedAt;
        return o;
    }
}

internal sealed class Message
{
    public string Id = "", Direction = "outbound", From = "", To = "", Body = "", Status = "sent", CreatedAt = "";
    public List<string>? MediaUrls;

    /// <summary>The other party.</summary>
    public string Contact => Direction == "inbound" ? From : To;

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["id"] = Id, ["direction"] = Direction, ["from"] = From, ["to"] = To, ["body"] = Body,
            ["status"] = Status, ["created_at"] = CreatedAt,
        };
        if (MediaUrls is not null) o["media_urls"] = Api.Array(MediaUrls, u => JsonValue.Create(u));
        return o;
    }
}

internal sealed class Approval
{
    public static readonly string[] Statuses = { "pending", "approved", "denied", "expired" };
    public string Id = "", Action = "", Status = "pending", CreatedAt = "", ExpiresAt = "";
    public string? RespondedAt;
    public JsonNode? Details;
    public bool RequireBiometric;
    public double ExpiresIn;
    public int DevicesNotified, DevicesFailed;

    public JsonObject ToJson() => new()
    {
        ["request_id"] = Id, ["status"] = Status, ["action"] = Action, ["details"] = Details?.DeepClone(),
        ["require_biometric"] = RequireBiometric, ["expires_in"] = ExpiresIn,
        ["devices_notified"] = DevicesNotified, ["devices_failed"] = DevicesFailed,
        ["created_at"] = CreatedAt, ["expires_at"] = ExpiresAt, ["responded_at"] = RespondedAt,
    };
}

/// <summary>A completed scheduled call's conversation, read through the insights endpoint.</summary>
internal sealed class Conversation
{
    public string Id = "", EventId = "", To = "", Outcome = "", CreatedAt = "";
    public int Reads;
}

/// <summary>A deep tool or walkie request sent to the WebSocket client, and what the client answered.</summary>
internal sealed class BridgeRequest
{
    public string Id = "", Kind = "", CreatedAt = "";
    public string? CallId, Result, Error;
    public bool Answered;
    public readonly List<string> Progress = new();

    public JsonObject ToJson() => new()
    {
        ["request_id"] = Id, ["kind"] = Kind, ["call_id"] = CallId,
        ["progress"] = Api.Array(Progress, p => JsonValue.Create(p)),
        ["result"] = Result, ["error"] = Error, ["answered"] = Answered, ["created_at"] = CreatedAt,
    };
}
