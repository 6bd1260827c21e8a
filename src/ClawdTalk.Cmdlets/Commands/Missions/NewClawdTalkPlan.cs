using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Missions;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>`POST …/plan`: the run's steps (a new plan replaces the old one). The state store learns the steps.</summary>
    [Cmdlet(VerbsCommon.New, "ClawdTalkPlan", SupportsShouldProcess = true, DefaultParameterSetName = ById)]
    [OutputType(typeof(MissionPlan))]
    public sealed class NewClawdTalkPlanCommand : RunScopedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("Steps")]
        public object[] Step { get; set; } = new object[0];

        protected override void Process()
        {
            var steps = UserInput.Steps(Step);
            if (steps.Count == 0) throw Errors.Invalid(ErrorIds.InvalidStep, "A plan needs at least one step.");
            var t = Target();
            if (!ShouldProcess(t.ToString(), $"Create a plan of {steps.Count} step(s): {string.Join(", ", steps.Select(s => s.StepId))}")) return;
            var json = Run(ct => Missions.CreatePlanAsync(t.MissionId, t.RunId, new JArray(steps.Select(s => s.ToJson())), ct));
            if (Json.UnwrapList(json, "steps").Count == 0) json = Run(ct => Missions.GetPlanAsync(t.MissionId, t.RunId, ct));
            var plan = MissionPlan.From(json, t.MissionId, t.RunId, t.Slug);
            Remember(t, e => e[StateKeys.Steps] = StepsJson(plan.Steps));
            WriteObject(plan);
        }
    }
}
