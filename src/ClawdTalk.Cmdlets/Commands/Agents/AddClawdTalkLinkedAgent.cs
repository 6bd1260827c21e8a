using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Commands.Missions;

namespace ClawdTalk.Commands.Agents
{
    /// <summary>`POST …/agents`: links an assistant to the run.</summary>
    [Cmdlet(VerbsCommon.Add, "ClawdTalkLinkedAgent", SupportsShouldProcess = true, DefaultParameterSetName = ById)]
    [OutputType(typeof(LinkedAgent))]
    public sealed class AddClawdTalkLinkedAgentCommand : RunScopedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("TelnyxAgentId")]
        public string AssistantId { get; set; } = "";

        protected override void Process()
        {
            var t = Target();
            if (!ShouldProcess(t.ToString(), $"Link the assistant {AssistantId}")) return;
            var o = Run(ct => Missions.LinkAgentAsync(t.MissionId, t.RunId, AssistantId, ct));
            var link = o == null ? new LinkedAgent { MissionId = t.MissionId, RunId = t.RunId, AssistantId = AssistantId } : LinkedAgent.From(o, t.MissionId, t.RunId, t.Slug);
            if (link.AssistantId.Length == 0) link.AssistantId = AssistantId;
            link.Slug = t.Slug;
            WriteObject(link);
        }
    }
}
