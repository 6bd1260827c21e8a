using System;
using System.IO;
using System.Linq;
using ClawdTalk.Config;
using ClawdTalk.Session;

namespace ClawdTalk.Bridge
{
    /// <summary>
    /// The bridge's answer for Get-ClawdTalkStatus: the bridges of this session, else whether the key's machine-wide
    /// bridge lock is held by another process (and where that bridge runs), else not running.
    /// </summary>
    internal sealed class BridgeStatusSource : IBridgeStatusSource
    {
        public BridgeStatusSnapshot Describe(ModuleSession session)
        {
            var mine = session.Feature(() => new BridgeRegistry()).All().Where(j => j.Status.State != BridgeState.Stopped).ToList();
            if (mine.Count > 0)
            {
                var s = mine[0].Status;
                return new BridgeStatusSnapshot(s.State.ToString(),
                    $"'{s.Name}' in this session since {s.Since:u}: {s.ReconnectCount} reconnects, {s.CallsInProgress} calls in progress, {s.RequestsAnswered} requests answered"
                    + (s.LastError != null ? $", last error: {s.LastError}" : ""));
            }
            var key = ConnectionResolver.Resolve(session).ApiKey;
            var lockPath = Path.Combine(BridgeLock.Directory, BridgeLock.KeyHash(key) + ".lock");
            if (!File.Exists(lockPath)) return new BridgeStatusSnapshot("NotRunning", "No bridge for this key has run on this machine.");
            try
            {
                using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None)) { }
                return new BridgeStatusSnapshot("NotRunning", "No bridge for this key runs on this machine.");
            }
            catch (IOException)
            {
                return new BridgeStatusSnapshot("RunningElsewhere", "A bridge for this key runs in another process on this machine (Get-ClawdTalkBridge in that session shows it).");
            }
        }
    }
}
