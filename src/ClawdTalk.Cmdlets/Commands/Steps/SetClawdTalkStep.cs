using ClawdTalk.Commands.Missions;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Steps
{
    /// <summary>
    /// Sets a plan step's status and does the bookkeeping the published guidance leaves to the agent: the matching
    /// event, the step's memory, the run ended when the last step is done, or failed (pollers removed) when a step
    /// fails for good.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ClawdTalkStep", SupportsShouldProcess = true, DefaultParameterSetName = BySlug)]
    [OutputType(typeof(PlanStep))]
    public sealed class SetClawdTalkStepCommand : RunScopedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StepIdCompleter))]
        public string StepId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(StepStatusCompleter))]
        public string Status { get; set; } = "";

        [Parameter]
        public string? Summary { get; set; }

        [Parameter]
        public object? Payload { get; set; }

        [Parameter]
        public SwitchParameter Recoverable { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            var status = UserInput.StepStatus(Status);
            var payload = Payload == null ? null : UserInput.Value(Payload, "The payload", ErrorIds.InvalidPayloadJson);
            var t = Target();
            var entry = t.Slug == null ? null : Store.Find(t.Slug);
            var known = entry == null ? new string[0] : MissionStateStore.StepsOf(entry).Select(s => Json.Str(s, "step_id")).ToArray();
            if (known.Length == 0)
            {
                var plan = Run(ct => Missions.TryReadPlanAsync(t.MissionId, t.RunId, t.Slug, ct));
                known = plan == null ? new string[0] : plan.Steps.Select(s => s.StepId).ToArray();
            }
            if (!known.Contains(StepId))
                throw new ClawdTalkException(ErrorIds.StepNotInPlan, ErrorCategory.ObjectNotFound,
                    known.Length == 0 ? $"Run {t.RunId} has no plan, so it has no step '{StepId}'."
                        : $"Run {t.RunId} has no step '{StepId}'. Its steps: {string.Join(", ", known)}.", StepId);

            var wire = Wire.Step(status);
            if (!ShouldProcess($"step '{StepId}' of {t}", $"Set the status to {wire}")) return;

            var step = Run(ct => Missions.SetStepAsync(t.MissionId, t.RunId, StepId, status, t.Slug, ct));

            // the matching event
            var (type, text) = status switch
            {
                StepStatus.InProgress => (MissionEventType.StepStarted, $"Step '{StepId}' started"),
                StepStatus.Completed => (MissionEventType.StepCompleted, $"Step '{StepId}' completed"),
                StepStatus.Failed => (MissionEventType.Error, $"Step '{StepId}' failed"),
                StepStatus.Skipped => (MissionEventType.Custom, $"Step '{StepId}' skipped"),
                _ => (MissionEventType.Custom, $"Step '{StepId}' set back to pending"),
            };
            if (!string.IsNullOrWhiteSpace(Summary)) text += ": " + Summary!.Trim();
            Book.LogEvent(t, type, text, StepId, payload);

            // the step's memory
            var memory = new JObject { ["status"] = wire };
            if (Summary != null) memory["summary"] = Summary;
            if (payload != null) memory["payload"] = payload.DeepClone();
            if (Book.Remember(t, e =>
                {
                    MissionEntries.SetStepStatus(e, StepId, wire);
                    MissionStateStore.MemoryOf(e)["step:" + StepId] = MissionEntries.Stamp(memory);
                }) == null)
                WriteVerbose($"Run {t.RunId} has no slug in the state store; the step's memory was not saved.");

            // the run ends with its last step, or with a step that failed for good
            var open = entry == null || (Json.Str(entry, StateKeys.Status) ?? "active") == "active";
            if (status == StepStatus.Failed && !Recoverable && open)
            {
                var result = new JObject { ["failed_step"] = StepId, ["reason"] = Summary ?? "step failed" };
                if (payload != null) result["payload"] = payload.DeepClone();
                Book.EndRun(t, RunStatus.Failed, $"Step '{StepId}' failed" + (string.IsNullOrWhiteSpace(Summary) ? "." : ": " + Summary!.Trim()),
                    result, MissionEventType.Error, "failure");
            }
            else if (step.IsTerminal && open)
                Book.CloseWhenDone(t);

            if (PassThru) WriteObject(step);
        }
    }
}
