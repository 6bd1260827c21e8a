using System;
using System.Runtime.CompilerServices;

namespace ClawdTalk.Host
{
    /// <summary>
    /// What the engine does at start that a one-command host does not need. The PowerShell engine starts a diagnostics
    /// listener (the named pipe behind Enter-PSHostProcess) and application telemetry when its types first run, unless
    /// POWERSHELL_DIAGNOSTICS_OPTOUT / POWERSHELL_TELEMETRY_OPTOUT are set. The host opts out of both (nothing of ours
    /// listens or sends anything), but only while those types initialise: the variables are then put back as they were,
    /// so scripts and the programs they start see the caller's environment unchanged.
    /// </summary>
    internal static class EngineStartup
    {
        static readonly string[] OptOuts = { "POWERSHELL_DIAGNOSTICS_OPTOUT", "POWERSHELL_TELEMETRY_OPTOUT" };
        static readonly string[] Types =
        {
            "System.Management.Automation.Remoting.RemoteSessionNamedPipeServer",
            "Microsoft.PowerShell.Telemetry.ApplicationInsightsTelemetry",
        };

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Prepare()
        {
            var saved = new string?[OptOuts.Length];
            for (var i = 0; i < OptOuts.Length; i++)
            {
                saved[i] = Environment.GetEnvironmentVariable(OptOuts[i]);
                if (saved[i] == null) Environment.SetEnvironmentVariable(OptOuts[i], "1");
            }
            try
            {
                var engine = typeof(System.Management.Automation.PSObject).Assembly;
                foreach (var name in Types)
                {
                    var t = engine.GetType(name, throwOnError: false);
                    if (t != null) RuntimeHelpers.RunClassConstructor(t.TypeHandle);
                }
            }
            finally
            {
                for (var i = 0; i < OptOuts.Length; i++)
                    if (saved[i] == null) Environment.SetEnvironmentVariable(OptOuts[i], null);
            }
        }
    }
}
