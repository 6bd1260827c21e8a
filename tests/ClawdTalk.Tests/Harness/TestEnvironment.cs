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
            // `clawdtalk` starts a resident server when none answers: never in the user's real runtime folder, never by a
            // test that did not ask for one (those set CLAWDTALK_RESIDENT themselves), and none outlives the run (a short
            // idle period; a server also exits when its socket is deleted with this folder at the end).
            var run = Path.Combine(Root, "run");
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(run);
            else Directory.CreateDirectory(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Environment.SetEnvironmentVariable("CLAWDTALK_HOST_SOCKET", Path.Combine(run, "host.sock"));
            Environment.SetEnvironmentVariable("CLAWDTALK_RESIDENT", "off");
            Environment.SetEnvironmentVariable("CLAWDTALK_RESIDENT_IDLE", "20s");
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
