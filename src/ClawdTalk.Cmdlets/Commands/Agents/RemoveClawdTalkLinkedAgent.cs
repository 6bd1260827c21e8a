using ClawdTalk.Commands.Missions;

namespace ClawdTalk.Commands.Agents
{
    /// <summary>`DELETE …/agents/{id}`: unlinks an assistant from the run (the assistant itself stays).</summary>
    [Cmdlet(VerbsCommon.Remove, "ClawdTalkLinkedAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ById)]
    [OutputType(typeof(void))]
    public sealed class RemoveClawdTalkLinkedAgentCommand : RunScopedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("TelnyxAgentId")]
        public string AssistantId { get; set; } = "";

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var t = Target();
            if (!Confirmed(Force, t.ToString(), $"Unlink the assistant {AssistantId}")) return;
            Run(ct => Missions.UnlinkAgentAsync(t.MissionId, t.RunId, AssistantId, ct));
        }
    }
}
