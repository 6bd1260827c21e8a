using ClawdTalk.Pollers;

namespace ClawdTalk.Commands.Pollers
{
    /// <summary>Removes a mission's poller from the platform scheduler (every entry tagged with its slug, nothing else).</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "ClawdTalkPoller", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class UnregisterClawdTalkPollerCommand : ClawdTalkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PollerSlugCompleter))]
        public string[] Slug { get; set; } = Array.Empty<string>();

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var scheduler = PollerSchedulers.ForPlatform();
            var entries = scheduler.Available ? scheduler.List() : Array.Empty<PollerEntry>();
            foreach (var pattern in Slug)
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                var hits = entries.Where(e => wildcard.IsMatch(e.Slug)).ToList();
                if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteError(new ClawdTalkException(ErrorIds.PollerNotFound, ErrorCategory.ObjectNotFound, $"There is no poller for '{pattern}'.", pattern));
                    continue;
                }
                foreach (var e in hits)
                {
                    var every = e.Interval.HasValue ? " (" + PollInterval.Describe(e.Interval.Value) + ")" : "";
                    if (!Confirmed(Force, e.Slug, $"Remove the {e.Backend} poller{every}")) continue;
                    var n = scheduler.Unregister(e.Slug);
                    WriteVerbose($"Removed the {e.Backend} poller of '{e.Slug}' ({n} entr{(n == 1 ? "y" : "ies")}).");
                }
            }
        }
    }
}
