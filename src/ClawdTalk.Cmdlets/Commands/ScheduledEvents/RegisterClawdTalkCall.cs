using ClawdTalk.ScheduledEvents;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// Schedules a call to each target for a mission run (`POST /assistants/{id}/events`, channel call): validated and
    /// normalised first, timed by -At/-Stagger/-TimeWindow, each created once, remembered and logged. Billable.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "ClawdTalkCall", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = BySlug)]
    [OutputType(typeof(ScheduledEvent))]
    public sealed class RegisterClawdTalkCallCommand : RegisterEventCmdlet
    {
        /// <summary>Who the targets are, for Wait-ClawdTalkEvent -RetryPolicy ByRecipientType (a target's own RecipientType wins).</summary>
        [Parameter]
        public RecipientType? RecipientType { get; set; }

        internal override ScheduledEventChannel Channel => ScheduledEventChannel.Call;

        internal override RecipientType? RecipientTypeFor(EventTarget target) => target.RecipientType ?? RecipientType;
    }
}
