namespace ClawdTalk.Pollers
{
    /// <summary>
    /// The keys a poller adds to a slug's entry of the state file (the published client ignores keys it does not know):
    /// <list type="bullet">
    /// <item>`retry_policy`: `{max_attempts, delay_seconds}` for calls that end no-answer, busy or failed (read as a
    /// <see cref="ScheduledEvents.RetryRule"/>, the one retry policy).</item>
    /// <item>`poller`: how the poller runs (program, arguments, module, carried environment), so a tick can re-register it,
    /// and the time scale of the service its last tick asked (`time_scale`).</item>
    /// <item>`notify_agent`: Register-ClawdTalkPoller -NotifyAgent (`per_call`, `registered_at`) and each notice sent to the
    /// agent's session, by event (`sent.mission:&lt;run&gt;`, `sent.call:&lt;event&gt;`), so none is sent twice (<see cref="AgentNotice"/>).</item>
    /// </list>
    /// The scheduled events a poller follows are the mission's event records (<see cref="ScheduledEvents.EventRecords"/>, in
    /// `memory.scheduled_events`), the same ones Register-ClawdTalkCall writes and Wait-ClawdTalkEvent updates.
    /// </summary>
    internal static class PollerStateKeys
    {
        public const string RetryPolicy = "retry_policy", Poller = "poller", NotifyAgent = "notify_agent";
    }
}
