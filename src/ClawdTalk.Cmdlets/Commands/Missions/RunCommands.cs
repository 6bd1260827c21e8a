using System.Collections;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Completers;
using ClawdTalk.Lifecycle;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>`POST /missions/{id}/runs`.</summary>
    [Cmdlet(VerbsCommon.New, "ClawdTalkRun", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionRun))]
    public sealed class NewClawdTalkRunCommand : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [Alias("OriginalRequest")]
        public string Request { get; set; } = "";

        [Parameter]
        public object? Context { get; set; }

        [Parameter]
        public IDictionary? Input { get; set; }

        protected override void Process()
        {
            var input = Input == null ? new JObject() : (JObject)UserInput.Value(Input, "The input", "InvalidInputJson");
            input["original_request"] = Request;
            if (Context != null) input["context"] = UserInput.Value(Context, "The context", "InvalidContextJson");
            if (!ShouldProcess(MissionId, "Create a run")) return;
            WriteObject(MissionRun.From(Run(ct => Missions.CreateRunAsync(MissionId, input, ct)), MissionId));
        }
    }

    /// <summary>`GET /missions/{id}/runs/{run}` or the mission's runs.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkRun", DefaultParameterSetName = ById)]
    [OutputType(typeof(MissionRun))]
    public sealed class GetClawdTalkRunCommand : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string MissionId { get; set; } = "";

        // null or empty (an object piped in without a run) lists the mission's runs
        [Parameter(Position = 1, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? RunId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        protected override void Process()
        {
            if (ParameterSetName == BySlug)
            {
                var t = FromSlug(Slug);
                WriteObject(WithSlug(MissionRun.From(Run(ct => Missions.GetRunAsync(t.MissionId, t.RunId, ct)), t.MissionId), t.Slug));
                return;
            }
            if (!string.IsNullOrEmpty(RunId))
            {
                WriteObject(WithSlug(MissionRun.From(Run(ct => Missions.GetRunAsync(MissionId, RunId!, ct)), MissionId), TrySlugOf(MissionId, RunId)));
                return;
            }
            foreach (var o in Run(ct => Missions.ListRunsAsync(MissionId, ct)))
            {
                var run = MissionRun.From(o, MissionId);
                WriteObject(WithSlug(run, TrySlugOf(MissionId, run.RunId)));
            }
        }

        static MissionRun WithSlug(MissionRun r, string? slug) { r.Slug = slug; return r; }
    }

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
            var payload = Payload == null ? null : UserInput.Value(Payload, "The payload", "InvalidPayloadJson");
            if (status == null && Summary == null && payload == null)
                throw Errors.Invalid("NoChange", "Give -Status, -Summary or -Payload: there is nothing to change.");
            var t = Target();
            var body = new JObject();
            if (status != null) body["status"] = Wire.Run(status.Value);
            if (Summary != null) body["result_summary"] = Summary;
            if (payload != null) body["result_payload"] = payload;
            if (!ShouldProcess(t.ToString(), "Set " + string.Join(", ", body.Properties().Select(p => p.Name)))) return;
            var run = MissionRun.From(Run(ct => Missions.UpdateRunAsync(t.MissionId, t.RunId, body, ct)), t.MissionId);
            run.Slug = t.Slug;
            if (status != null)
            {
                var wasActive = false;
                Remember(t, e =>
                {
                    wasActive = (Json.Str(e, StateKeys.Status) ?? "active") == "active";
                    e[StateKeys.RunStatus] = Wire.Run(status.Value);
                    if (Wire.IsTerminal(status.Value))
                    {
                        e[StateKeys.Status] = StateStatus(status.Value);
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
