using ClawdTalk.Bridge;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>
    /// Restarts bridges with the settings they were started with: a job of this session is stopped and started again as
    /// a new job that takes the old one's place in the job table (with its unread records); a detached bridge starts its successor itself (same program, arguments and environment) once it has
    /// stopped; a bridge under a service manager exits as failed so that the manager starts it again.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Restart, "ClawdTalkBridge", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BridgeJob), typeof(BridgeStatus))]
    public sealed class RestartClawdTalkBridgeCommand : BridgeSelectionCmdlet
    {
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 60;

        protected override void Process()
        {
            foreach (var t in SelectedTargets())
            {
                if (t.Job != null) RestartJob(t.Job);
                else RestartOther(t);
            }
        }

        void RestartJob(BridgeJob job)
        {
            if (!ShouldProcess($"{job.Name} (job {job.Id})", "Restart the ClawdTalk bridge")) return;
            var old = job.Runner;
            if (job.JobStateInfo.State == JobState.Running) Run(ct => System.Threading.Tasks.Task.Run(() => job.StopJob(), ct));
            var o = old.Options;
            var bridgeLock = BridgeLock.Acquire(o.ApiKey, o.Name, o.WebSocketUri);
            RotatingLogFile? file = null;
            try
            {
                var log = new BridgeLogger(o.Name, o.VerboseLog, o.DebugLog, o.ApiKey, o.GatewayToken);
                file = new RotatingLogFile(o.LogPath!, o.LogMaxBytes, o.LogFileCount, o.DebugLog ? BridgeLogLevel.Debug : o.VerboseLog ? BridgeLogLevel.Verbose : BridgeLogLevel.Information);
                log.Add(file);
                WriteObject(StartClawdTalkBridgeCommand.StartJob(this, new BridgeRunner(o, old.Api, log), bridgeLock, file, replaces: job));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                bridgeLock.Dispose();
                file?.Dispose();
                throw Errors.Terminating(ErrorIds.InvalidLogPath, ErrorCategory.WriteError, $"The bridge log file {o.LogPath} cannot be written: {ex.Message}", o.LogPath, ex);
            }
        }

        void RestartOther(BridgeTarget t)
        {
            var s = t.Status;
            if (s.State == BridgeState.Stopped) return;
            if (s.Mode != "Detached" && s.Mode != "Service")
            {
                WriteError(new ClawdTalkException(ErrorIds.BridgeRestartUnsupported, ErrorCategory.InvalidOperation,
                    $"The bridge '{s.Name}' runs as a {s.Mode.ToLowerInvariant()} of another session (process {s.ProcessId}): restart it there, or stop it here with Stop-ClawdTalkBridge.", s.Name));
                return;
            }
            if (!ShouldProcess($"{s.Name} (process {s.ProcessId}, {s.Mode})", "Restart the ClawdTalk bridge")) return;
            WriteVerbose($"Asking bridge '{s.Name}' in process {s.ProcessId} to restart.");
            var now = Run(ct => BridgeRemote.RestartAsync(t.Hash!, s.ProcessId, s.StartedAt, TimeSpan.FromSeconds(TimeoutSec), ct));
            now.LogTail = BridgeFiles.Tail(now.LogFile, 5);
            WriteObject(now);
        }
    }
}
