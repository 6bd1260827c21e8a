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
            WriteObject(Run(ct => Missions.LinkAsync(t.MissionId, t.RunId, AssistantId, t.Slug, ct)));
        }
    }
}
