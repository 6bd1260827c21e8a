using System.Management.Automation.Runspaces;

namespace ClawdTalk.Bridge
{
    /// <summary>How a bridge runs in this session: as a job of it (Start- and Restart-ClawdTalkBridge), or in the foreground on a cmdlet's pipeline (-Wait).</summary>
    internal static class BridgeHosting
    {
        /// <summary>Starts a bridge as a job of this session; <paramref name="replaces"/> is the stopped job it takes over from (a restart).</summary>
        public static BridgeJob StartJob(ClawdTalkCmdlet cmdlet, BridgeRunner runner, BridgeLock bridgeLock, RotatingLogFile? file, BridgeJob? replaces = null)
        {
            var o = runner.Options;
            var files = new Disposables();
            files.Add(file);
            var job = new BridgeJob(runner, bridgeLock, files, $"Start-ClawdTalkBridge -Name {o.Name}", o.Name, cmdlet);
            files.Insert(new BridgeStatusFile(runner, job.InstanceId, null, _ => job.StopJob()));
            // Found through its job source adapter (as ThreadJob is); adding it to JobRepository too would list it twice in Get-Job.
            var registry = cmdlet.Session.Feature(() => new BridgeRegistry());
            registry.StopWhenClosed(Runspace.DefaultRunspace);
            registry.Add(job);
            if (replaces != null)
            {
                replaces.HandOverTo(job);
                registry.Remove(replaces);
            }
            job.StartJob();
            return job;
        }

        /// <summary>
        /// -Wait: the bridge runs on the cmdlet's pipeline until Ctrl+C, a fatal stop, or a stop request from another session,
        /// writing its records as it goes (a detached or service bridge writes them to its log file only).
        /// </summary>
        public static void RunInForeground(ClawdTalkCmdlet cmdlet, BridgeRunner runner, BridgeLock bridgeLock, RotatingLogFile? file, string? runMode, Action drain)
        {
            var quiet = runMode == "Detached" || runMode == "Service";
            if (!quiet) runner.Log.Add(new ForegroundLogSink(cmdlet, runner.Log.VerboseEnabled, runner.Options.DebugLog));
            var restart = false;
            var launch = BridgeLaunchSpec.FromJson(Environment.GetEnvironmentVariable(BridgeLaunchSpec.LaunchEnv));
            var statusFile = new BridgeStatusFile(runner, Guid.NewGuid(), runMode == "Detached" ? launch?.ToJson() : null, r =>
            {
                restart = r;
                _ = runner.StopAsync();
            });
            try
            {
                cmdlet.Run(async ct =>
                {
                    var completion = runner.Start();
                    using (ct.Register(() => _ = runner.StopAsync()))
                        await completion.ConfigureAwait(false);
                });
            }
            finally
            {
                if (!runner.Completion.IsCompleted)
                {
                    try { runner.StopAsync().Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
                }
                statusFile.Dispose();
                bridgeLock.Dispose();
                file?.Dispose();
                if (!quiet) drain();
            }
            if (runner.Fatal != null)
            {
                runner.Fatal.Terminating = true;
                throw runner.Fatal;
            }
            if (!restart) return;
            if (runMode == "Detached" && launch != null)
            {
                // the same program and arguments; this process's environment (the key, a gateway token) goes with it
                var hash = BridgeLock.KeyHash(runner.Options.ApiKey);
                var p = launch.Launch(new Dictionary<string, string?>(), BridgeFiles.Console(hash));
                runner.Log.Write(BridgeLogLevel.Information, "restarted", $"Restarted as process {p.Id}.");
                return;
            }
            // under a service manager: a failed exit makes it start the bridge again (Restart=on-failure, KeepAlive, RestartOnFailure)
            throw new ClawdTalkException(ErrorIds.BridgeRestartRequested, ErrorCategory.OperationStopped,
                "Another session asked the bridge to restart; it stopped so that its service manager starts it again.", runner.Options.Name) { Terminating = true };
        }
    }

    /// <summary>-Wait: the bridge's records on the cmdlet's streams (posted to its pipeline thread).</summary>
internal sealed class ForegroundLogSink : IBridgeLogSink
    {
        readonly ClawdTalkCmdlet _cmd;
        readonly bool _verbose, _debug;

        public ForegroundLogSink(ClawdTalkCmdlet cmd, bool verbose, bool debug)
        {
            _cmd = cmd;
            _verbose = verbose;
            _debug = debug;
        }

        public void Write(BridgeLogRecord r)
        {
            if (_debug)
            {
                _cmd.Post(() => _cmd.WriteObject(r)); // every record, bodies included, and no prompt per line
                return;
            }
            var text = $"[{r.Time:HH:mm:ss.fff}] {r.Event}: {r.Message}";
            if (r.Level >= BridgeLogLevel.Information) _cmd.Post(() => _cmd.WriteObject(r));
            if (r.Level == BridgeLogLevel.Warning) _cmd.Post(() => _cmd.WriteWarning(text));
            if (_verbose && r.Level >= BridgeLogLevel.Verbose) _cmd.Post(() => _cmd.WriteVerbose(text));
            if (r.Level == BridgeLogLevel.Debug) _cmd.Post(() => _cmd.WriteDebug(text));
        }
    }
}
