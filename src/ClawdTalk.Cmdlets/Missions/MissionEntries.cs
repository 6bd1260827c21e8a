using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>What the mission services and the mission cmdlets both write into a slug's entry, and how they word it.</summary>
    internal static class MissionEntries
    {
        /// <summary>The published CLI's default agent id for run events.</summary>
        public const string DefaultAgentId = "claude-code";

        public static ClawdTalkException Collision(string slug, string storedName, string name) =>
            new ClawdTalkException(ErrorIds.MissionSlugCollision, ErrorCategory.ResourceExists,
                $"The name '{name}' has the slug '{slug}', which already belongs to the mission '{storedName}'. Choose a name with a different slug, or remove the old state with Remove-ClawdTalkMissionState.", slug);

        public static JObject Stamp(JObject o)
        {
            o["at"] = MissionStateStore.Now();
            return o;
        }

        public static void SetStepStatus(JObject entry, string stepId, string status)
        {
            foreach (var s in MissionStateStore.StepsOf(entry))
                if (Json.Str(s, "step_id") == stepId) s["status"] = status;
        }

        public static JArray StepsJson(IEnumerable<PlanStep> steps) =>
            new JArray(steps.Select(s => new JObject
            {
                ["step_id"] = s.StepId, ["description"] = s.Description, ["sequence"] = s.Sequence,
                ["status"] = s.Status == StepStatus.Unknown ? null : Wire.Step(s.Status),
            }));

        /// <summary>
        /// True unless the object's `created_at` is clearly older than the marker (two minutes are allowed for clock skew
        /// between this machine and the service).
        /// </summary>
        public static bool CreatedSince(JObject o, JObject marker) =>
            CreateOnce.CreatedSince(Json.Date(o, "created_at"), Json.Date(marker, "started_at"));
    }
}
