using System.Collections;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>`POST /missions/{id}/runs`.</summary>
    [Cmdlet(VerbsCommon.New, "ClawdTalkRun", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionRun))]
    public sealed class NewClawdTalkRunCommand : MissionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
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
            var input = new RunInput(Request, Input, Context);
            if (!ShouldProcess(MissionId, "Create a run")) return;
            WriteObject(Run(ct => Missions.NewRunAsync(MissionId, input, ct)));
        }
    }
}
