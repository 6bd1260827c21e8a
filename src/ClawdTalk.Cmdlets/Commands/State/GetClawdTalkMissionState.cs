using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.State
{
    /// <summary>Lists the slug store: every mission this module (or the published client) keeps ids and memory for.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkMissionState")]
    [OutputType(typeof(MissionState))]
    public sealed class GetClawdTalkMissionStateCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Slug { get; set; }

        [Parameter]
        public MissionStateStatus[]? Status { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        protected override void Process()
        {
            var store = Path == null ? MissionStateStore.Default : new MissionStateStore(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
            foreach (var (p, wildcard, entries) in store.Matching(Slug))
            {
                foreach (var e in entries)
                {
                    var state = store.ToModel(e.Key, e.Value);
                    if (Status == null || Status.Contains(state.Status)) WriteObject(state);
                }
                if (entries.Count == 0 && !wildcard) WriteError(MissionStateStore.NotFound(p, store.Path));
            }
        }
    }
}
