using ClawdTalk.Bridge;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>
    /// Shows the bridges of this session and those other processes of this user run on this machine (detached, under a
    /// service manager, or in another session): state, since when, uptime, reconnects, calls in progress, requests
    /// answered, the last errors and the last lines of the log.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkBridge", DefaultParameterSetName = ByName)]
    [OutputType(typeof(BridgeStatus))]
    public sealed class GetClawdTalkBridgeCommand : BridgeSelectionCmdlet
    {
        [Parameter]
        [ValidateRange(0, 1000)]
        public int Tail { get; set; } = 10;

        [Parameter]
        public SwitchParameter IncludeStopped { get; set; }

        protected override void Process()
        {
            foreach (var t in SelectedTargets(IncludeStopped))
            {
                var s = t.Status;
                s.LogTail = BridgeFiles.Tail(s.LogFile, Tail);
                WriteObject(s);
            }
        }
    }
}
