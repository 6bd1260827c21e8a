namespace ClawdTalk.Commands.Configuration
{
    /// <summary>Forgets the connection Connect-ClawdTalk set; later cmdlets resolve it from env and config again.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "ClawdTalk")]
    [OutputType(typeof(void))]
    public sealed class DisconnectClawdTalkCommand : ClawdTalkCmdlet
    {
        protected override void Process()
        {
            Session.Explicit = null;
            Session.AttemptTimeout = null;
            Session.MaxRetries = null;
        }
    }
}
