using System.Net.Http;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The mission endpoints of the contract (missions, runs, plans, steps, the run's event list, linked agents,
    /// conversation insights), one async method per operation over the one pipeline. Takes no cmdlet: a cmdlet runs
    /// these with its Run(ct => …) pump. Every shape the contract allows is accepted. Run-event POSTs belong to the
    /// run-event log, not here.
    /// </summary>
    internal sealed class MissionsApi : EndpointClient
    {
        internal static readonly HttpMethod Patch = new HttpMethod("PATCH");

        /// <summary>The pipeline under this client (for the run-event log, <see cref="RunEventLog"/>).</summary>
        public ApiClient Client => _api;

        public MissionsApi(ApiClient api, Action<string>? log = null) : base(api, log) { }

        internal static string RunPath(string mid, string rid) => $"missions/{E(mid)}/runs/{E(rid)}";

        static JObject Obj(JToken? t, params string[] keys) =>
            Json.Unwrap(t, keys) ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult,
                "The service answered without the expected JSON object.");

        Task<JToken?> Get(string path, string resource, object? target, CancellationToken ct) =>
            _api.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, ct, _log, resource, target);

        Task<JToken?> Send(HttpMethod method, string path, JToken? body, RequestKind kind, string resource, object? target, CancellationToken ct) =>
            _api.SendAsync(method, path, body, kind, ct, _log, resource, target);

        public async Task<JObject> CreateMissionAsync(string name, string instructions, CancellationToken ct) =>
            Obj(await Send(HttpMethod.Post, "missions", new JObject { ["name"] = name, ["instructions"] = instructions }, RequestKind.Create, "Mission", null, ct).ConfigureAwait(false), "mission");

        public async Task<JObject> GetMissionAsync(string mid, CancellationToken ct) =>
            Obj(await Get($"missions/{E(mid)}", "Mission", mid, ct).ConfigureAwait(false), "mission");

        public async Task<IReadOnlyList<JObject>> ListMissionsAsync(int pageSize, CancellationToken ct) =>
            Json.UnwrapList(await Get($"missions?page[size]={pageSize}", "Mission", null, ct).ConfigureAwait(false), "missions");

        public async Task<JObject> CreateRunAsync(string mid, JObject input, CancellationToken ct) =>
            Obj(await Send(HttpMethod.Post, $"missions/{E(mid)}/runs", new JObject { ["input"] = input }, RequestKind.Create, "Mission", mid, ct).ConfigureAwait(false), "run");

        public async Task<JObject> GetRunAsync(string mid, string rid, CancellationToken ct) =>
            Obj(await Get(RunPath(mid, rid), "Run", rid, ct).ConfigureAwait(false), "run");

        public async Task<IReadOnlyList<JObject>> ListRunsAsync(string mid, CancellationToken ct) =>
            Json.UnwrapList(await Get($"missions/{E(mid)}/runs", "Mission", mid, ct).ConfigureAwait(false), "runs");

        public async Task<JObject> UpdateRunAsync(string mid, string rid, JObject body, CancellationToken ct) =>
            Obj(await Send(Patch, RunPath(mid, rid), body, RequestKind.Idempotent, "Run", rid, ct).ConfigureAwait(false), "run");

        public async Task<JObject> CreatePlanAsync(string mid, string rid, JArray steps, CancellationToken ct) =>
            Obj(await Send(HttpMethod.Post, RunPath(mid, rid) + "/plan", new JObject { ["steps"] = steps }, RequestKind.Create, "Run", rid, ct).ConfigureAwait(false), "plan");

        public async Task<JObject> GetPlanAsync(string mid, string rid, CancellationToken ct) =>
            Obj(await Get(RunPath(mid, rid) + "/plan", "Plan", rid, ct).ConfigureAwait(false), "plan");

        /// <summary>The plan, or null when the run has none yet (404 on the plan of an existing run).</summary>
        public async Task<JObject?> TryGetPlanAsync(string mid, string rid, CancellationToken ct)
        {
            try { return await GetPlanAsync(mid, rid, ct).ConfigureAwait(false); }
            catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.PlanNotFound) { return null; }
        }

        public async Task<JObject> UpdateStepAsync(string mid, string rid, string stepId, string status, CancellationToken ct) =>
            Obj(await Send(Patch, RunPath(mid, rid) + $"/plan/steps/{E(stepId)}", new JObject { ["status"] = status },
                RequestKind.Idempotent, "Step", stepId, ct).ConfigureAwait(false), "step");

        /// <summary>The run's timeline (`GET …/events`). Logging an event is the run-event log's.</summary>
        public async Task<IReadOnlyList<JObject>> ListEventsAsync(string mid, string rid, CancellationToken ct) =>
            Json.UnwrapList(await Get(RunPath(mid, rid) + "/events", "Run", rid, ct).ConfigureAwait(false), "events");

        public async Task<JObject?> LinkAgentAsync(string mid, string rid, string assistantId, CancellationToken ct) =>
            Json.Unwrap(await Send(HttpMethod.Post, RunPath(mid, rid) + "/agents", new JObject { ["telnyx_agent_id"] = assistantId }, RequestKind.Create, "Run", rid, ct).ConfigureAwait(false), "agent");

        public async Task<IReadOnlyList<JObject>> ListAgentsAsync(string mid, string rid, CancellationToken ct) =>
            Json.UnwrapList(await Get(RunPath(mid, rid) + "/agents", "Run", rid, ct).ConfigureAwait(false), "agents");

        public async Task<bool> UnlinkAgentAsync(string mid, string rid, string assistantId, CancellationToken ct)
        {
            await Send(HttpMethod.Delete, RunPath(mid, rid) + $"/agents/{E(assistantId)}", null, RequestKind.Idempotent, "LinkedAgent", assistantId, ct).ConfigureAwait(false);
            return true;
        }

        /// <summary>`GET /missions/conversations/{id}/insights`, as the service sent it (the caller reads the list and its statuses).</summary>
        public Task<JToken?> InsightsAsync(string conversationId, CancellationToken ct) =>
            Get($"missions/conversations/{E(conversationId)}/insights", "Conversation", conversationId, ct);

        // typed reads: the answers read once into the records the cmdlets write. The JObject methods above stay for the
        // scheduled-event, poller and mission-setup code (another branch moves it); once it is swept they can go.

        public async Task<Mission> NewMissionAsync(string name, string instructions, CancellationToken ct) =>
            Mission.From(await CreateMissionAsync(name, instructions, ct).ConfigureAwait(false));

        public async Task<Mission> ReadMissionAsync(string mid, CancellationToken ct) =>
            Mission.From(await GetMissionAsync(mid, ct).ConfigureAwait(false));

        public async Task<IReadOnlyList<Mission>> ReadMissionsAsync(int pageSize, CancellationToken ct) =>
            (await ListMissionsAsync(pageSize, ct).ConfigureAwait(false)).Select(Mission.From).ToList();

        public async Task<MissionRun> ReadRunAsync(string mid, string rid, CancellationToken ct) =>
            MissionRun.From(await GetRunAsync(mid, rid, ct).ConfigureAwait(false), mid);

        public async Task<IReadOnlyList<MissionRun>> ReadRunsAsync(string mid, CancellationToken ct) =>
            (await ListRunsAsync(mid, ct).ConfigureAwait(false)).Select(o => MissionRun.From(o, mid)).ToList();

        public async Task<MissionPlan> ReadPlanAsync(string mid, string rid, string? slug, CancellationToken ct) =>
            MissionPlan.From(await GetPlanAsync(mid, rid, ct).ConfigureAwait(false), mid, rid, slug);

        /// <summary>The run's timeline, read into <see cref="MissionEvent"/>s.</summary>
        public async Task<IReadOnlyList<MissionEvent>> ReadEventsAsync(string mid, string rid, string? slug, CancellationToken ct) =>
            (await ListEventsAsync(mid, rid, ct).ConfigureAwait(false)).Select(o => MissionEvent.From(o, mid, rid, slug)).ToList();

        public async Task<IReadOnlyList<LinkedAgent>> ReadAgentsAsync(string mid, string rid, string? slug, CancellationToken ct) =>
            (await ListAgentsAsync(mid, rid, ct).ConfigureAwait(false)).Select(o => LinkedAgent.From(o, mid, rid, slug)).ToList();

        public async Task<MissionRun> NewRunAsync(string mid, RunInput input, CancellationToken ct) =>
            MissionRun.From(await CreateRunAsync(mid, input.Body, ct).ConfigureAwait(false), mid);

        public async Task<MissionRun> SetRunAsync(string mid, string rid, RunChanges changes, CancellationToken ct) =>
            MissionRun.From(await UpdateRunAsync(mid, rid, changes.Body, ct).ConfigureAwait(false), mid);

        /// <summary>The run's plan, or null when it has none yet (<see cref="TryGetPlanAsync"/>).</summary>
        public async Task<MissionPlan?> TryReadPlanAsync(string mid, string rid, string? slug, CancellationToken ct)
        {
            var json = await TryGetPlanAsync(mid, rid, ct).ConfigureAwait(false);
            return json == null ? null : MissionPlan.From(json, mid, rid, slug);
        }

        /// <summary>Sets a step's status: the step as the service answered it, what the answer leaves out filled from the request.</summary>
        public async Task<PlanStep> SetStepAsync(string mid, string rid, string stepId, StepStatus status, string? slug, CancellationToken ct)
        {
            var step = PlanStep.From(await UpdateStepAsync(mid, rid, stepId, Wire.Step(status), ct).ConfigureAwait(false), mid, rid, slug);
            if (string.IsNullOrEmpty(step.StepId)) step.StepId = stepId;
            if (step.Status == StepStatus.Unknown) step.Status = status;
            return step;
        }

        /// <summary>Creates the run's plan: the plan as created, read back when the answer lists no steps.</summary>
        public async Task<MissionPlan> NewPlanAsync(string mid, string rid, IEnumerable<Missions.StepSpec> steps, string? slug, CancellationToken ct)
        {
            var json = await CreatePlanAsync(mid, rid, new JArray(steps.Select(s => s.ToJson())), ct).ConfigureAwait(false);
            if (Json.UnwrapList(json, "steps").Count == 0) json = await GetPlanAsync(mid, rid, ct).ConfigureAwait(false);
            return MissionPlan.From(json, mid, rid, slug);
        }

        /// <summary>A conversation's insights (<see cref="InsightsAsync"/>), each read into a <see cref="ConversationInsight"/> with its status.</summary>
        public async Task<IReadOnlyList<ConversationInsight>> ReadInsightsAsync(string conversationId, CancellationToken ct) =>
            Json.UnwrapList(await InsightsAsync(conversationId, ct).ConfigureAwait(false), "insights", "conversations").Select(o => ConversationInsight.From(o, conversationId)).ToList();

        /// <summary>Links the assistant to the run: the link as the service answered it, what the answer leaves out filled from the request.</summary>
        public async Task<LinkedAgent> LinkAsync(string mid, string rid, string assistantId, string? slug, CancellationToken ct)
        {
            var o = await LinkAgentAsync(mid, rid, assistantId, ct).ConfigureAwait(false);
            var link = o == null ? new LinkedAgent { MissionId = mid, RunId = rid, AssistantId = assistantId } : LinkedAgent.From(o, mid, rid, slug);
            if (link.AssistantId.Length == 0) link.AssistantId = assistantId;
            link.Slug = slug;
            return link;
        }

        /// <summary>One cheap authenticated read, not retried: does the service answer and accept the key?</summary>
        public Task<JToken?> ProbeAsync(CancellationToken ct) =>
            _api.SendAsync(HttpMethod.Get, "missions?page[size]=1", null, RequestKind.Idempotent, ct, _log, "Mission", noRetry: true);
    }
}
