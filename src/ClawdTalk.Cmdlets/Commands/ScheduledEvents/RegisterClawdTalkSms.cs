using ClawdTalk.Commands.Sms;
using ClawdTalk.ScheduledEvents;

namespace ClawdTalk.Commands.ScheduledEvents
{
    /// <summary>
    /// Schedules a text to each target for a mission run (`POST /assistants/{id}/events`, channel sms). The message is a
    /// template: `{{Name}}` and the other target properties are filled in per target, and each result is checked (not
    /// empty, at most 1,600 characters) before anything is sent. Billable.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "ClawdTalkSms", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = Standalone)]
    [OutputType(typeof(ScheduledEvent))]
    public sealed class RegisterClawdTalkSmsCommand : RegisterEventCmdlet
    {
        /// <summary>The text; `{{Property}}` placeholders are filled from each target. A target's own Message property wins.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [Alias("Text", "Body")]
        [AllowEmptyString]
        public string Message { get; set; } = "";

        internal override ScheduledEventChannel Channel => ScheduledEventChannel.Sms;

        internal override void CheckBegin()
        {
            // a message without placeholders is the same for everyone: checked once, before any target
            if (!Message.Contains("{{")) SendClawdTalkSmsCommand.CheckMessage(Message);
        }

        internal override string? TextFor(EventTarget target)
        {
            var text = Targets.Render(target.Message ?? Message, target);
            try { return SendClawdTalkSmsCommand.CheckMessage(text); }
            catch (ClawdTalk.Api.ClawdTalkException ex)
            {
                throw new ClawdTalk.Api.ClawdTalkException(ex.ErrorId, ex.Category, $"The text to {target}: {ex.Message}", target.Phone, ex);
            }
        }
    }
}
