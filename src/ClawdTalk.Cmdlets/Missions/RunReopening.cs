using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>
    /// What the module does before it schedules a call or text on a run. The service ends a run (succeeded) as soon as
    /// every scheduled event of it is terminal, and completes a step when an event of it finishes: a retry or a later wave
    /// scheduled after that would go on under a run that the service, the dashboard and Get-ClawdTalkRun call Succeeded.
    /// So the run is set running again first (logged on its timeline) and the step in progress again (in the store too),
    /// and the mission ends once, after its last call. A run that was ended as failed or cancelled (by the module or the
    /// user, never by the service on its own) is not reopened: scheduling on it is refused (RunEnded) before anything is
    /// sent. The one place of this rule: Register-ClawdTalkCall/-Sms, Wait-ClawdTalkEvent's and Invoke-ClawdTalkPoll's
    /// retries, and Test-ClawdTalkMission -Fix (RunEndedWithEventsPending) use it.
    /// </summary>
    internal static class RunReopening
    {
        /// <summary>What <see cref="BeforeSchedulingAsync"/> did.</summary>
        internal sealed class Result
        {
            public bool RunReopened, StepReopened;
        }

        /// <summary>
        /// Reads the run (and, with <paramref name="stepId"/>, its plan) and opens what the service closed, before
        /// <paramref name="what"/> ("a retry of the call to +1…") is scheduled. <paramref name="store"/> follows the step
        /// when the run has a slug.
        /// </summary>
        public static async Task<Result> BeforeSchedulingAsync(MissionsApi missions, MissionStateStore? store, MissionTarget t, string? stepId, string what,
            Action<string> log, CancellationToken ct)
        {
            // retries of one wait go out in parallel: the first one reopens, the others find the run running
            var gate = Gates.GetOrAdd(t.MissionId + "/" + t.RunId, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try { return await OpenAsync(missions, store, t, stepId, what, log, ct).ConfigureAwait(false); }
            finally { gate.Release(); }
        }

        static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.Ordinal);

        static async Task<Result> OpenAsync(MissionsApi missions, MissionStateStore? store, MissionTarget t, string? stepId, string what,
            Action<string> log, CancellationToken ct)
        {
            var result = new Result();
            var run = await missions.GetRunAsync(t.MissionId, t.RunId, ct).ConfigureAwait(false);
            var status = (Json.Str(run, "status") ?? "").ToLowerInvariant();
            if (status == "failed" || status == "cancelled" || status == "canceled")
                throw new ClawdTalkException(ErrorIds.RunEnded, ErrorCategory.InvalidOperation,
                    $"Run {t.RunId} has ended as {status}; {what} was not scheduled.", t.RunId)
                { RecommendedAction = "Start a new run with Initialize-ClawdTalkMission (or New-ClawdTalkRun) and schedule there." };
            if (status == "succeeded")
            {
                await ReopenAsync(missions, t, $"{what} is being scheduled", log, ct).ConfigureAwait(false);
                result.RunReopened = true;
            }
            if (stepId == null) return result;
            var plan = await missions.TryGetPlanAsync(t.MissionId, t.RunId, ct).ConfigureAwait(false);
            var step = (plan?["steps"] as JArray)?.OfType<JObject>().FirstOrDefault(s => Json.Str(s, "step_id") == stepId);
            if (step == null || Json.Str(step, "status") != "completed") return result; // a step skipped or failed on purpose stays so
            await missions.UpdateStepAsync(t.MissionId, t.RunId, stepId, "in_progress", ct).ConfigureAwait(false);
            if (t.Slug != null && store != null)
                store.UpdateExisting(t.Slug, e =>
                {
                    foreach (var s in MissionStateStore.StepsOf(e))
                        if (Json.Str(s, "step_id") == stepId) s["status"] = "in_progress";
                });
            log($"Step '{stepId}' of run {t.RunId} was completed on the service; in progress again for {what}.");
            result.StepReopened = true;
            return result;
        }

        /// <summary>Sets a run the service ended as succeeded running again, and says so on its timeline.</summary>
        public static async Task ReopenAsync(MissionsApi missions, MissionTarget t, string why, Action<string> log, CancellationToken ct)
        {
            await missions.UpdateRunAsync(t.MissionId, t.RunId, new JObject { ["status"] = "running" }, ct).ConfigureAwait(false);
            var body = new JObject
            {
                ["type"] = "custom",
                ["summary"] = $"Run set running again: {why} (the service had ended it as succeeded when its scheduled events were done).",
                ["agent_id"] = MissionEntries.DefaultAgentId,
                ["payload"] = new JObject { ["reopened"] = true, ["previous_status"] = "succeeded", ["reason"] = why },
            };
            await RunEventLog.LogAsync(missions.Client, t.MissionId, t.RunId, body, "reopen:" + Guid.NewGuid().ToString("N"), log, ct).ConfigureAwait(false);
            log($"Run {t.RunId} was succeeded on the service; set running again: {why}.");
        }
    }
}
