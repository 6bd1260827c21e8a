namespace ClawdTalk.Commands.Calls
{
    /// <summary>Hangs up a direct call (`POST /calls/{call_id}/end`). Ending an ended call changes nothing.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "ClawdTalkCall", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DirectCall))]
    public sealed class StopClawdTalkCallCommand : ClawdTalkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CallIdCompleter))]
        public string[] CallId { get; set; } = null!;

        /// <summary>Why the call ends, as the service records it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateLength(1, 200)]
        public string Reason { get; set; } = "user_ended";

        [Parameter] public SwitchParameter Force { get; set; }
        [Parameter] public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            foreach (var raw in CallId)
            {
                var id = raw.Trim();
                try
                {
                    if (!Confirmed(Force, id, "End the call")) continue;
                    // ending is idempotent on the service, so the request may be retried safely
                    var ended = Run(ct => Comms.EndCallAsync(id, Reason, ct));
                    WriteVerbose($"Call {id} ended ({Reason}).");
                    if (!PassThru) continue;
                    var call = ended ?? Run(ct => Comms.FindCallAsync(id, null, ct));
                    if (call != null) WriteObject(call);
                }
                catch (ClawdTalkException ex)
                {
                    WriteError(ex);
                }
            }
        }
    }
}
