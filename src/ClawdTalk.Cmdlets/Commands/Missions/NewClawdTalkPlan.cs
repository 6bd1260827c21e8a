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
            var plan = Run(ct => Missions.NewPlanAsync(t.MissionId, t.RunId, steps, t.Slug, ct));
            Book.Remember(t, e => e[StateKeys.Steps] = MissionEntries.StepsJson(plan.Steps));
            WriteObject(plan);
        }
    }
}
