using ClawdTalk.Commands.Missions;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// The ways Wait-ClawdTalkEvent and Unregister-ClawdTalkScheduledEvent name the scheduled events they act on: piped
    /// objects, an assistant's event ids, a mission's slug, or a mission and run.
    /// </summary>
    public abstract class EventSelectionCmdlet : ClawdTalkCmdlet
    {
        internal const string ByInput = "InputObject", ByEvent = "ByEventId", ByRun = "ByRun", BySlug = MissionCmdlet.BySlug;

        MissionBookkeeping? _book;

        /// <summary>The mission bookkeeping (state store, slugs and runs) this cmdlet holds, not a base class.</summary>
        internal MissionBookkeeping Book => _book ??= new MissionBookkeeping(this);

        /// <summary>ScheduledEvents; a MissionState (every event of its run); or any object with AssistantId and EventId (or a Slug).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByInput, ValueFromPipeline = true)]
        public object[] InputObject { get; set; } = Array.Empty<object>();

        [Parameter(Mandatory = true, ParameterSetName = ByEvent)]
        [ArgumentCompleter(typeof(AssistantIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string AssistantId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByEvent)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EventIdCompleter))]
        public string[] EventId { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = BySlug)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string Slug { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByRun)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByRun)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = "";
    }
}
