using System.Collections;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>`PATCH /missions/{id}/runs/{run}`: status, summary, payload. A terminal status also ends the run in the store and runs the terminal hooks.</summary>
    [Cmdlet(VerbsCommon.Set, "ClawdTalkRun", SupportsShouldProcess = true, DefaultParameterSetName = ById)]
    [OutputType(typeof(MissionRun))]
    public sealed class SetClawdTalkRunCommand : RunScopedCmdlet
    {
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(RunStatusCompleter))]
        public string? Status { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string? Summary { get; set; }

        [Parameter]
        public object? Payload { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            var status = Status == null ? (RunStatus?)null : UserInput.RunStatus(Status);
            var changes = new RunChanges(status, Summary, Payload);
            if (changes.Names.Count == 0)
                throw Errors.Invalid(ErrorIds.NoChange, "Give -Status, -Summary or -Payload: there is nothing to change.");
            var t = Target();
            if (!ShouldProcess(t.ToString(), "Set " + string.Join(", ", changes.Names))) return;
            var run = Run(ct => Missions.SetRunAsync(t.MissionId, t.RunId, changes, ct));
            run.Slug = t.Slug;
            if (status != null)
            {
                var wasActive = false;
                Book.Remember(t, e =>
                {
                    wasActive = (Json.Str(e, StateKeys.Status) ?? "active") == "active";
                    e[StateKeys.RunStatus] = Wire.Run(status.Value);
                    if (Wire.IsTerminal(status.Value))
                    {
                        e[StateKeys.Status] = MissionBookkeeping.StateStatus(status.Value);
                        e[StateKeys.CompletedAt] = MissionStateStore.Now();
                        if (Summary != null) e[StateKeys.ResultSummary] = Summary;
                    }
                    else e[StateKeys.Status] = "active";
                });
                if (Wire.IsTerminal(status.Value) && (wasActive || t.Slug == null))
                {
                    var context = new MissionTerminalContext(t.Slug, t.MissionId, t.RunId, status.Value, Summary)
                    { Api = Api, Session = Session, CancelToken = CancelToken, StatePath = Store.Path, Verbose = WriteVerbose };
                    foreach (var w in MissionLifecycle.RaiseTerminal(context)) WriteWarning(w);
                }
            }
            if (PassThru) WriteObject(run);
        }
    }
}
