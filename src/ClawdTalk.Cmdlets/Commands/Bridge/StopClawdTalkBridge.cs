using System.Management.Automation;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>
    /// Stops bridges of this session: requests being answered get a moment to finish, the connection closes normally,
    /// the machine-wide lock is released. The job stays (Receive-Job still has its records) until Remove-Job.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "ClawdTalkBridge", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BridgeStatus))]
    public sealed class StopClawdTalkBridgeCommand : BridgeSelectionCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            foreach (var job in Selected())
            {
                if (job.JobStateInfo.State == JobState.Running && ShouldProcess($"{job.Name} (job {job.Id})", "Stop the ClawdTalk bridge"))
                {
                    WriteVerbose($"Stopping bridge '{job.Name}' (job {job.Id}).");
                    Run(ct => System.Threading.Tasks.Task.Run(() => job.StopJob(), ct));
                }
                if (PassThru) WriteObject(job.Status);
            }
        }
    }
}
