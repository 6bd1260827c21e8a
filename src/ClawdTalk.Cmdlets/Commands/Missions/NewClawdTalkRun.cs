using System.Collections;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Completers;
using ClawdTalk.Missions;
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
            var input = Input == null ? new JObject() : (JObject)UserInput.Value(Input, "The input", ErrorIds.InvalidInputJson);
            input["original_request"] = Request;
            if (Context != null) input["context"] = UserInput.Value(Context, "The context", ErrorIds.InvalidContextJson);
            if (!ShouldProcess(MissionId, "Create a run")) return;
            WriteObject(MissionRun.From(Run(ct => Missions.CreateRunAsync(MissionId, input, ct)), MissionId));
        }
    }
}
