using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Missions;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>`GET …/plan`: the run's steps with their statuses.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkPlan", DefaultParameterSetName = ById)]
    [OutputType(typeof(MissionPlan))]
    public sealed class GetClawdTalkPlanCommand : RunScopedCmdlet
    {
        protected override void Process()
        {
            var t = Target();
            WriteObject(MissionPlan.From(Run(ct => Missions.GetPlanAsync(t.MissionId, t.RunId, ct)), t.MissionId, t.RunId, t.Slug));
        }
    }
}
