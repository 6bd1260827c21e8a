using ClawdTalk.Pollers;

namespace ClawdTalk.Commands.Pollers
{
    /// <summary>
    /// Lists the pollers registered with the platform scheduler, with the status of their missions: a poller whose
    /// mission has ended or is gone is shown as Orphaned (its next tick, or Unregister-ClawdTalkPoller, removes it).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkPoller")]
    [OutputType(typeof(PollerInfo))]
    public sealed class GetClawdTalkPollerCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PollerSlugCompleter))]
        public string[]? Slug { get; set; }

        IReadOnlyList<PollerEntry>? _entries;
        Newtonsoft.Json.Linq.JObject? _store;

        protected override void Process()
        {
            var scheduler = PollerSchedulers.ForPlatform();
            if (_entries == null)
            {
                _entries = scheduler.Available ? scheduler.List() : Array.Empty<PollerEntry>();
                _store = PollerSupport.TryReadStore(MissionStateStore.Default);
                if (!scheduler.Available) WriteVerbose($"The {scheduler.Name} scheduler is not installed: there are no pollers.");
            }
            if (Slug == null)
            {
                foreach (var e in _entries) WriteObject(PollerSupport.ToInfo(e, _store));
                return;
            }
            foreach (var pattern in Slug)
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                var hits = _entries.Where(e => wildcard.IsMatch(e.Slug)).ToList();
                if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                    WriteError(new ClawdTalkException(ErrorIds.PollerNotFound, ErrorCategory.ObjectNotFound, $"There is no poller for '{pattern}'.", pattern));
                foreach (var e in hits) WriteObject(PollerSupport.ToInfo(e, _store));
            }
        }
    }
}
