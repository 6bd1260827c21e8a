using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// The base of the mission cmdlets: the state store, the mission endpoints, resolving a slug or ids to a run, and
    /// the bookkeeping rules (event + memory for every change, the run closed when it ends, terminal hooks).
    /// </summary>
    public abstract class MissionCmdlet : ClawdTalkCmdlet
    {
        internal const string ById = "ById", BySlug = "BySlug";
        /// <summary>The published CLI's default agent id for run events.</summary>
        internal const string DefaultAgentId = MissionEntries.DefaultAgentId;

        internal MissionStateStore Store => Book.Store;

        MissionBookkeeping? _book;

        /// <summary>The bookkeeping (MissionBookkeeping): what follows forwards to it.</summary>
        internal MissionBookkeeping Book => _book ??= new MissionBookkeeping(this);

        internal MissionTarget FromSlug(string slug, bool needRun = true) => Book.FromSlug(slug, needRun);
        internal MissionTarget FromIds(string missionId, string runId) => Book.FromIds(missionId, runId);
        internal MissionTarget Resolve(string? slug, string? missionId, string? runId) => Book.Resolve(slug, missionId, runId);
        internal string? TrySlugOf(string missionId, string? runId) => Book.TrySlugOf(missionId, runId);
        internal List<JObject> ScheduledEventsOfRun(MissionTarget t, JObject? entry, IReadOnlyList<JObject> agents) => Book.ScheduledEventsOfRun(t, entry, agents);
        internal static ClawdTalkException Collision(string slug, string storedName, string name) => MissionEntries.Collision(slug, storedName, name);
        internal static JObject Stamp(JObject o) => MissionEntries.Stamp(o);
        internal static void SetStepStatus(JObject entry, string stepId, string status) => MissionEntries.SetStepStatus(entry, stepId, status);
        internal static JArray StepsJson(IEnumerable<PlanStep> steps) => MissionEntries.StepsJson(steps);
        internal static bool CreatedSince(JObject o, JObject marker) => MissionEntries.CreatedSince(o, marker);

        internal MissionEvent LogEvent(MissionTarget t, MissionEventType type, string summary, string? stepId = null, JToken? payload = null, string? agentId = null,
            bool keyed = true) => Book.LogEvent(t, type, summary, stepId, payload, agentId, keyed);
        internal JObject? Remember(MissionTarget t, Action<JObject> change) => Book.Remember(t, change);
        internal static string StateStatus(RunStatus s) => MissionBookkeeping.StateStatus(s);
        internal void EndRun(MissionTarget t, RunStatus status, string summary, JToken? payload, MissionEventType eventType, string memoryKey,
            bool closeOpenSteps = true, bool serverAlreadyEnded = false) => Book.EndRun(t, status, summary, payload, eventType, memoryKey, closeOpenSteps, serverAlreadyEnded);
        internal void CloseWhenDone(MissionTarget t) => Book.CloseWhenDone(t);
        internal void FollowServiceEnd(MissionTarget t, MissionRun run, JObject? payload) => Book.FollowServiceEnd(t, run, payload);
        internal string CreateOnce(string slug, string kind, Func<JObject, string?> find, Func<JObject, string> create, Action<JObject, string> record) =>
            Book.CreateOnce(slug, kind, find, create, record);
    }
}
