namespace ClawdTalk.Commands.Missions
{
    /// <summary>`GET …/events`: the run's timeline, optionally filtered.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkEvent", DefaultParameterSetName = ById)]
    [OutputType(typeof(MissionEvent))]
    public sealed class GetClawdTalkEventCommand : RunScopedCmdlet
    {
        [Parameter]
        [ArgumentCompleter(typeof(EventTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Type { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(StepIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string? StepId { get; set; }

        protected override void Process()
        {
            var types = new System.Collections.Generic.HashSet<MissionEventType>();
            foreach (var x in Type ?? new string[0]) types.Add(UserInput.EventType(x));
            var t = Target();
            foreach (var ev in Run(ct => Missions.ReadEventsAsync(t.MissionId, t.RunId, t.Slug, ct)))
            {
                if (types.Count > 0 && !types.Contains(ev.Type)) continue;
                if (StepId != null && ev.StepId != StepId) continue;
                WriteObject(ev);
            }
        }
    }
}
