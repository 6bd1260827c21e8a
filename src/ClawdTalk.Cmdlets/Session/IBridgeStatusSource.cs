namespace ClawdTalk.Session
{
    // The seam between the session and the bridge feature: the bridge implements IBridgeStatusSource
    // (Bridge/BridgeStatusSource.cs); Get-ClawdTalkStatus reads it through BridgeStatusSources.Describe.

    /// <summary>What the voice bridge says about itself, for Get-ClawdTalkStatus.</summary>
    internal sealed class BridgeStatusSnapshot
    {
        public BridgeStatusSnapshot(string state, string? detail = null, string[]? logTail = null, BridgeStatus[]? running = null)
        {
            State = state;
            Detail = detail;
            LogTail = logTail ?? Array.Empty<string>();
            Running = running ?? Array.Empty<BridgeStatus>();
        }

        /// <summary>Every bridge that runs on this machine for this user: this session's jobs, and other processes' (detached, services, other sessions).</summary>
        public BridgeStatus[] Running { get; }

        /// <summary>The last lines of the bridge's log.</summary>
        public string[] LogTail { get; }

        /// <summary>A short state: Running, NotRunning, Connecting, Reconnecting, Stopped, …</summary>
        public string State { get; }
        /// <summary>One line for people (where it runs, since when, the last error). Never a secret.</summary>
        public string? Detail { get; }
    }

    /// <summary>Implemented by the bridge feature (Bridge/BridgeStatusSource.cs) to report its state.</summary>
    internal interface IBridgeStatusSource
    {
        /// <summary>The state for this session (which may look at bridges of other processes, e.g. their lock files).</summary>
        BridgeStatusSnapshot Describe(ModuleSession session);
    }

    internal static class BridgeStatusSources
    {
        /// <summary>The bridge's state, or Unknown (with the reason) when it cannot be read.</summary>
        public static BridgeStatusSnapshot Describe(ModuleSession session)
        {
            try { return new ClawdTalk.Bridge.BridgeStatusSource().Describe(session); }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                return new BridgeStatusSnapshot("Unknown", "The bridge state could not be read: " + ex.Message);
            }
        }
    }
}
