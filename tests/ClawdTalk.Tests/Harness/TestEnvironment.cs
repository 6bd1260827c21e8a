using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>
    /// Process-wide test setup, run once before any test: the module's files go to a temp folder (never the real
    /// profile), and variables from the machine that would change how the module resolves its connection are cleared.
    /// Tests that change environment variables belong to the non-parallel "Environment" collection.
    /// </summary>
    public static class TestEnvironment
    {
        public static string Root { get; private set; } = "";

        [ModuleInitializer]
        public static void Initialize()
        {
            Root = Path.Combine(Path.GetTempPath(), "clawdtalk-tests-" + Environment.ProcessId);
            Directory.CreateDirectory(Root);
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", Path.Combine(Root, "skill-config.json"));
            Environment.SetEnvironmentVariable("CLAWDTALK_STATE", Path.Combine(Root, "missions_state.json"));
            // the module's other files (bridge locks, poller logs) live under $XDG_CONFIG_HOME/clawdtalk: keep them here too
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", Path.Combine(Root, "xdg"));
            // The suite references ClawdTalk.Cmdlets directly (unit tests, typed results), so its sessions import the module
            // without the private load context; DependencyClashTests runs child processes with the isolation on.
            Environment.SetEnvironmentVariable("CLAWDTALK_NO_ISOLATION", "1");
            foreach (var v in new[] { "CLAWDTALK_API_KEY", "CLAWDTALK_API_URL", "OPENCLAW_GATEWAY_URL", "OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_URL", "CLAWDBOT_GATEWAY_TOKEN" })
                Environment.SetEnvironmentVariable(v, null);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { } };
        }

        public static string NewTempDir()
        {
            var d = Path.Combine(Root, Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(d);
            return d;
        }
    }

    [Xunit.CollectionDefinition("Environment", DisableParallelization = true)]
    public sealed class EnvironmentCollection { }
}
