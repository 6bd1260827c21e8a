namespace ClawdTalk.Pollers
{
    /// <summary>
    /// Removes a mission's pollers when it ends: completing, failing or cancelling a mission (by any cmdlet, or by a
    /// poll tick that finds the run finished) runs this hook, which unregisters every scheduler entry tagged with the
    /// slug. Nothing to remove (no poller, or no scheduler installed at all) is not an error.
    /// </summary>
    internal sealed class PollerTerminalHook : IMissionTerminalHook
    {
        public string Name => "pollers";

        public void OnTerminal(MissionTerminalContext context)
        {
            if (context.Slug == null) return; // a poller always belongs to a slug
            var scheduler = PollerSchedulers.ForPlatform();
            if (!scheduler.Available) return; // no scheduler, so no poller can exist
            // a cheap read first: most missions never had a poller, and the locked removal is only needed when one exists
            if (!scheduler.List().Any(e => e.Slug == context.Slug)) return;
            var removed = scheduler.Unregister(context.Slug);
            if (removed > 0)
            {
                context.Removed($"poller {scheduler.Name} '{context.Slug}'");
                context.Verbose($"Removed the {scheduler.Name} poller of '{context.Slug}' ({removed} entr{(removed == 1 ? "y" : "ies")}).");
            }
        }
    }
}
