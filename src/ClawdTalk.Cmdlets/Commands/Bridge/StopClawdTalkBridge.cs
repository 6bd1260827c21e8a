using ClawdTalk.Bridge;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>
    /// Stops bridges: requests being answered get a moment to finish, the connection closes normally, the machine-wide
    /// lock is released. A job of this session stays (Receive-Job still has its records) until Remove-Job; a bridge of
    /// another process (detached, a service, another session) is asked to stop through its request file.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "ClawdTalkBridge", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BridgeStatus))]
    public sealed class StopClawdTalkBridgeCommand : BridgeSelectionCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Ends the process of another process's bridge that has not stopped within the timeout.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 20;

        protected override void Process()
        {
            foreach (var t in SelectedTargets())
            {
                if (t.Job != null)
                {
                    var job = t.Job;
                    if (job.JobStateInfo.State == JobState.Running && ShouldProcess($"{job.Name} (job {job.Id})", "Stop the ClawdTalk bridge"))
                    {
                        WriteVerbose($"Stopping bridge '{job.Name}' (job {job.Id}).");
                        Run(ct => System.Threading.Tasks.Task.Run(() => job.StopJob(), ct));
                    }
                }
                else if (t.Status.State != BridgeState.Stopped && ShouldProcess($"{t.Status.Name} (process {t.Status.ProcessId}, {t.Status.Mode})", "Stop the ClawdTalk bridge"))
                {
                    WriteVerbose($"Asking bridge '{t.Status.Name}' in process {t.Status.ProcessId} to stop.");
                    Run(ct => BridgeRemote.StopAsync(t.Hash!, t.Status.ProcessId, TimeSpan.FromSeconds(TimeoutSec), Force, ct));
                }
                if (PassThru) WriteObject(t.Refresh());
            }
        }
    }
}
