using System;

namespace ClawdTalk.Host
{
    /// <summary>Starts the local sandbox in-process for --sandbox and points the session at it.</summary>
    internal static class SandboxLauncher
    {
        public static IDisposable? Start(ScriptSession session)
        {
            session.Host.UI.WriteErrorLine("--sandbox is not available in this build.");
            return null;
        }
    }
}
