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
            WriteObject(Run(ct => Missions.ReadPlanAsync(t.MissionId, t.RunId, t.Slug, ct)));
        }
    }
}
