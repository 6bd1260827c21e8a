using ClawdTalk.Commands.Missions;

namespace ClawdTalk.Commands.Agents
{
    /// <summary>`GET …/agents`: the assistants linked to the run.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkLinkedAgent", DefaultParameterSetName = ById)]
    [OutputType(typeof(LinkedAgent))]
    public sealed class GetClawdTalkLinkedAgentCommand : RunScopedCmdlet
    {
        protected override void Process()
        {
            var t = Target();
            foreach (var link in Run(ct => Missions.ReadAgentsAsync(t.MissionId, t.RunId, t.Slug, ct))) WriteObject(link);
        }
    }
}
