using System.Collections.Generic;
using System.Net.Http;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Lifecycle
{
    /// <summary>
    /// The mission endpoints of the contract, one method per operation, through the calling cmdlet's pipeline (so
    /// -Verbose, Ctrl+C and the error boundary apply). Every shape the contract allows is accepted.
    /// </summary>
    internal sealed class MissionApi
    {
        readonly ClawdTalkApiCmdlet _c;
        public MissionApi(ClawdTalkApiCmdlet cmdlet) { _c = cmdlet; }

        static string E(string s) => ClawdTalkApiCmdlet.Esc(s);
        static string RunPath(string mid, string rid) => $"missions/{E(mid)}/runs/{E(rid)}";

        static JObject Obj(JToken? t, params string[] keys) =>
            Json.Unwrap(t, keys) ?? throw new ClawdTalkException("InvalidServerResponse", System.Management.Automation.ErrorCategory.InvalidResult,
                "The service answered without the expected JSON object.");

        public JObject CreateMission(string name, string instructions) =>
            Obj(_c.Send(HttpMethod.Post, "missions", new JObject { ["name"] = name, ["instructions"] = instructions }, RequestKind.Create, "Mission"), "mission");

        public JObject GetMission(string mid) => Obj(_c.Get($"missions/{E(mid)}", "Mission", mid), "mission");

        public IReadOnlyList<JObject> ListMissions(int pageSize) => Json.UnwrapList(_c.Get($"missions?page[size]={pageSize}", "Mission"), "missions");

        public JObject CreateRun(string mid, JObject input) =>
            Obj(_c.Send(HttpMethod.Post, $"missions/{E(mid)}/runs", new JObject { ["input"] = input }, RequestKind.Create, "Mission", mid), "run");

        public JObject GetRun(string mid, string rid) => Obj(_c.Get(RunPath(mid, rid), "Run", rid), "run");

        public IReadOnlyList<JObject> ListRuns(string mid) => Json.UnwrapList(_c.Get($"missions/{E(mid)}/runs", "Mission", mid), "runs");

        public JObject UpdateRun(string mid, string rid, JObject body) =>
            Obj(_c.Send(ClawdTalkApiCmdlet.Patch, RunPath(mid, rid), body, RequestKind.Idempotent, "Run", rid), "run");

        public JObject CreatePlan(string mid, string rid, JArray steps) =>
            Obj(_c.Send(HttpMethod.Post, RunPath(mid, rid) + "/plan", new JObject { ["steps"] = steps }, RequestKind.Create, "Run", rid), "plan");

        public JObject GetPlan(string mid, string rid) => Obj(_c.Get(RunPath(mid, rid) + "/plan", "Plan", rid), "plan");

        /// <summary>The plan, or null when the run has none yet (404 on the plan of an existing run).</summary>
        public JObject? TryGetPlan(string mid, string rid)
        {
            try { return GetPlan(mid, rid); }
            catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.PlanNotFound) { return null; }
        }

        public JObject UpdateStep(string mid, string rid, string stepId, string status) =>
            Obj(_c.Send(ClawdTalkApiCmdlet.Patch, RunPath(mid, rid) + $"/plan/steps/{E(stepId)}", new JObject { ["status"] = status },
                RequestKind.Idempotent, "Step", stepId), "step");

        public JObject LogEvent(string mid, string rid, JObject body) =>
            Obj(_c.Send(HttpMethod.Post, RunPath(mid, rid) + "/events", body, RequestKind.Create, "Run", rid), "event");

        public IReadOnlyList<JObject> ListEvents(string mid, string rid) => Json.UnwrapList(_c.Get(RunPath(mid, rid) + "/events", "Run", rid), "events");

        public JObject? LinkAgent(string mid, string rid, string assistantId) =>
            Json.Unwrap(_c.Send(HttpMethod.Post, RunPath(mid, rid) + "/agents", new JObject { ["telnyx_agent_id"] = assistantId }, RequestKind.Create, "Run", rid), "agent");

        public IReadOnlyList<JObject> ListAgents(string mid, string rid) => Json.UnwrapList(_c.Get(RunPath(mid, rid) + "/agents", "Run", rid), "agents");

        public void UnlinkAgent(string mid, string rid, string assistantId) =>
            _c.Send(HttpMethod.Delete, RunPath(mid, rid) + $"/agents/{E(assistantId)}", null, RequestKind.Idempotent, "LinkedAgent", assistantId);

        public JToken? Insights(string conversationId) =>
            _c.Get($"missions/conversations/{E(conversationId)}/insights", "Conversation", conversationId);
    }
}
