namespace ClawdTalk.Commands.Calls
{
    /// <summary>Reads a direct call's current state (`GET /calls/{call_id}`).</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkCall")]
    [OutputType(typeof(DirectCall))]
    public sealed class GetClawdTalkCallCommand : ClawdTalkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CallIdCompleter))]
        public string[] CallId { get; set; } = null!;

        protected override void Process()
        {
            foreach (var id in CallId)
            {
                try
                {
                    var call = Run(ct => Comms.GetCallAsync(id.Trim(), null, ct));
                    Session.Feature(() => new CommsHistory()).Call(call.CallId, $"{call.To} ({call.StatusText})");
                    WriteObject(call);
                }
                catch (ClawdTalkException ex)
                {
                    WriteError(ex); // one bad id does not stop the others
                }
            }
        }
    }
}
