using System.Management.Automation;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>Shows the bridges started in this session: state, since when, reconnects, calls in progress, requests answered, last error.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkBridge", DefaultParameterSetName = ByName)]
    [OutputType(typeof(BridgeStatus))]
    public sealed class GetClawdTalkBridgeCommand : BridgeSelectionCmdlet
    {
        protected override void Process()
        {
            foreach (var job in Selected()) WriteObject(job.Status);
        }
    }
}
