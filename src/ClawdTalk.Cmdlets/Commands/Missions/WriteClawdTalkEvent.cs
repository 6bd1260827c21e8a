namespace ClawdTalk.Commands.Missions
{
    /// <summary>`POST …/events`: one event on the run's timeline.</summary>
    [Cmdlet(VerbsCommunications.Write, "ClawdTalkEvent", SupportsShouldProcess = true, DefaultParameterSetName = ById)]
    [OutputType(typeof(MissionEvent))]
    public sealed class WriteClawdTalkEventCommand : RunScopedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Summary { get; set; } = "";

        [Parameter]
        [ArgumentCompleter(typeof(EventTypeCompleter))]
        public string Type { get; set; } = "custom";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StepIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string? StepId { get; set; }

        [Parameter]
        public object? Payload { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string AgentId { get; set; } = MissionEntries.DefaultAgentId;

        protected override void Process()
        {
            var type = UserInput.EventType(Type);
            var payload = Payload == null ? null : UserInput.Value(Payload, "The payload", ErrorIds.InvalidPayloadJson);
            var t = Target();
            if (!ShouldProcess(t.ToString(), $"Log a {Wire.Event(type)} event: {Summary}")) return;
            WriteObject(Book.LogEvent(t, type, Summary, StepId, payload, AgentId, keyed: false));
        }
    }
}
