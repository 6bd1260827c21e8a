using System.Management.Automation;
using ClawdTalk.Api;
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
            foreach (var o in Run(ct => Missions.ListAgentsAsync(t.MissionId, t.RunId, ct))) WriteObject(LinkedAgent.From(o, t.MissionId, t.RunId, t.Slug));
        }
    }
}
