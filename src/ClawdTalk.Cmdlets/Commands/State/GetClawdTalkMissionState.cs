using System;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Completers;
using ClawdTalk.State;
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
            var entries = store.Entries().ToList();
            var patterns = Slug ?? new[] { "*" };
            foreach (var p in patterns)
            {
                var wildcard = WildcardPattern.ContainsWildcardCharacters(p);
                var pattern = new WildcardPattern(p, WildcardOptions.IgnoreCase);
                var found = false;
                foreach (var e in entries.Where(x => wildcard ? pattern.IsMatch(x.Key) : x.Key == p))
                {
                    var state = store.ToModel(e.Key, e.Value);
                    if (Status != null && !Status.Contains(state.Status)) continue;
                    found = true;
                    WriteObject(state);
                }
                if (!found && !wildcard && !entries.Any(x => x.Key == p)) WriteError(MissionStateStore.NotFound(p, store.Path));
            }
        }
    }
}
