using System.Diagnostics;
using ClawdTalk.IO;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// Stops or restarts a bridge another process runs: a request file the bridge checks every second, then waiting for
    /// what it should lead to (the lock released; a new process holding it). A bridge that does not stop in time can be
    /// ended by its process id (-Force).
    /// </summary>
    internal static class BridgeRemote
    {
        public static void Request(string hash, bool restart) =>
            AtomicFile.WriteAllText(BridgeFiles.StopRequest(hash), (restart ? "restart" : "stop") + " " + DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture) + "\n");

        /// <summary>Asks the bridge to stop and waits until its lock is released; with <paramref name="force"/> ends its process after the timeout.</summary>
        public static async Task StopAsync(string hash, int pid, TimeSpan timeout, bool force, CancellationToken ct)
        {
            Request(hash, restart: false);
            if (await WaitAsync(() => !BridgeFiles.IsHeld(hash), timeout, ct).ConfigureAwait(false)) return;
            if (force && pid > 0)
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    p.Kill();
                }
                catch (ArgumentException) { }
                catch (InvalidOperationException) { }
                catch (System.ComponentModel.Win32Exception) { }
                if (await WaitAsync(() => !BridgeFiles.IsHeld(hash), TimeSpan.FromSeconds(10), ct).ConfigureAwait(false)) return;
            }
            try { File.Delete(BridgeFiles.StopRequest(hash)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new ClawdTalkException(ErrorIds.BridgeStopTimeout, ErrorCategory.OperationTimeout,
                $"The bridge in process {pid} did not stop within {timeout.TotalSeconds:0} s" + (force ? " and could not be ended." : "; add -Force to end its process."), pid);
        }

        /// <summary>Asks the bridge to restart and waits until a new process holds the lock and reports.</summary>
        public static async Task<BridgeStatus> RestartAsync(string hash, int pid, DateTimeOffset started, TimeSpan timeout, CancellationToken ct)
        {
            Request(hash, restart: true);
            BridgeStatus? now = null;
            var ok = await WaitAsync(() =>
            {
                var f = BridgeFiles.ReadStatus(hash);
                if (f == null || !BridgeFiles.IsHeld(hash)) return false;
                var s = BridgeFiles.FromFile(f, true);
                if (s.ProcessId == pid && s.StartedAt <= started) return false;
                now = s;
                return s.State == BridgeState.Authenticated;
            }, timeout, ct).ConfigureAwait(false);
            if (ok || now != null) return now!;
            throw new ClawdTalkException(ErrorIds.BridgeRestartTimeout, ErrorCategory.OperationTimeout,
                $"The bridge did not come back within {timeout.TotalSeconds:0} s after the restart request; see its log and {BridgeFiles.Console(hash)}.", pid);
        }

        static async Task<bool> WaitAsync(Func<bool> done, TimeSpan timeout, CancellationToken ct)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < timeout)
            {
                if (done()) return true;
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            return done();
        }
    }
}
