using ClawdTalk.Config;
using ClawdTalk.Session;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// The bridge's answer for Get-ClawdTalkStatus: every bridge that runs (this session's jobs, and the status files under
    /// bridge/ whose lock a process holds: detached bridges, services, other sessions) with the gateway each uses; the
    /// state is the session's bridge, else whether the key's machine-wide bridge lock is held by another process (and
    /// where that bridge runs), else not running.
    /// </summary>
    internal sealed class BridgeStatusSource : IBridgeStatusSource
    {
        /// <summary>The bridges that run: this session's (as its jobs see them) and other processes' (as their status files say).</summary>
        static BridgeStatus[] Running(ModuleSession session)
        {
            var mine = session.Feature(() => new BridgeRegistry()).All().Select(j => j.Status).Where(s => s.State != BridgeState.Stopped).ToList();
            var all = new List<BridgeStatus>(mine);
            foreach (var hash in BridgeFiles.Known())
            {
                if (!BridgeFiles.IsHeld(hash)) continue;
                var file = BridgeFiles.ReadStatus(hash);
                if (file == null) continue;
                var s = BridgeFiles.FromFile(file, running: true);
                if (mine.Any(m => m.InstanceId == s.InstanceId)) continue;
                all.Add(s);
            }
            return all.ToArray();
        }

        static string Gateway(BridgeStatus s) => $"gateway {s.GatewayUrl?.AbsoluteUri ?? "(unknown)"} ({s.GatewayState}{(s.GatewayProblem != null ? ": " + s.GatewayProblem : "")})";

        public BridgeStatusSnapshot Describe(ModuleSession session)
        {
            var running = Running(session);
            var mine = session.Feature(() => new BridgeRegistry()).All().Where(j => j.Status.State != BridgeState.Stopped).ToList();
            if (mine.Count > 0)
            {
                var s = mine[0].Status;
                return new BridgeStatusSnapshot(s.State.ToString(),
                    $"'{s.Name}' in this session since {s.Since:u}: {s.ReconnectCount} reconnects, {s.CallsInProgress} calls in progress, {s.RequestsAnswered} requests answered, {Gateway(s)}"
                    + (s.LastError != null ? $", last error: {s.LastError}" : ""), BridgeFiles.Tail(s.LogFile, 5), running);
            }
            var hash = BridgeLock.KeyHash(ConnectionResolver.Resolve(session).ApiKey);
            var file = BridgeFiles.ReadStatus(hash);
            if (!BridgeFiles.IsHeld(hash))
            {
                if (file == null) return new BridgeStatusSnapshot("NotRunning", "No bridge for this key has run on this machine.", null, running);
                var last = BridgeFiles.FromFile(file, running: false);
                return new BridgeStatusSnapshot("NotRunning", $"No bridge for this key runs on this machine; '{last.Name}' ({last.Mode}) last ran until {last.Since:u}"
                    + (last.LastError != null ? $", last error: {last.LastError}" : "") + ".", BridgeFiles.Tail(last.LogFile, 5), running);
            }
            if (file == null)
                return new BridgeStatusSnapshot("RunningElsewhere", "A bridge for this key runs in another process on this machine.", null, running);
            var r = BridgeFiles.FromFile(file, running: true);
            return new BridgeStatusSnapshot("RunningElsewhere",
                $"'{r.Name}' runs {(r.Mode == "Detached" ? "detached" : r.Mode == "Service" ? "as a service" : "in another session")} (process {r.ProcessId}), {r.State} since {r.Since:u}, " +
                $"up {(int)r.Uptime.TotalHours}h{r.Uptime.Minutes:00}m: {r.RequestsReceived} requests received, {r.RequestsAnswered} answered, {r.ReconnectCount} reconnects, {Gateway(r)}" +
                (r.LastError != null ? $", last error: {r.LastError}" : "") + (r.LogFile != null ? $"; log {r.LogFile}" : ""), BridgeFiles.Tail(r.LogFile, 5), running);
        }
    }
}
