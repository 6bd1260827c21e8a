using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using ClawdTalk.Sandbox;

namespace ClawdTalk.Host
{
    /// <summary>
    /// --sandbox: starts the local sandbox in-process on free loopback ports with a fresh random key and gateway token,
    /// and connects the session to it (the key is handed over as a SecureString, never as text on a command line).
    /// </summary>
    internal static class SandboxLauncher
    {
        public static IDisposable Start(ScriptSession session, double timeScale, bool openDashboard = false)
        {
            var key = "sbx_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var token = "sgw_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var server = SandboxServer.StartAsync(new SandboxOptions { ApiKey = key, GatewayToken = token, TimeScale = timeScale }).GetAwaiter().GetResult();
            // The bridge finds the simulated gateway the way it finds a real one: from these variables (process-local).
            Environment.SetEnvironmentVariable("OPENCLAW_GATEWAY_URL", server.GatewayUri?.AbsoluteUri.TrimEnd('/'));
            Environment.SetEnvironmentVariable("OPENCLAW_GATEWAY_TOKEN", token);
            // A rehearsal keeps its missions out of the real mission store: the sandbox's ids mean nothing to the service.
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CLAWDTALK_STATE")))
                Environment.SetEnvironmentVariable("CLAWDTALK_STATE", System.IO.Path.Combine(System.IO.Path.GetTempPath(),
                    $"clawdtalk-sandbox-{Environment.ProcessId}", "missions_state.json"));
            // Waits learn the sandbox's clock from its answers (X-ClawdTalk-Sandbox-Time-Scale): nothing to set here.
            using (var ps = PowerShell.Create())
            {
                ps.Runspace = session.Runspace;
                ps.AddCommand("Connect-ClawdTalk").AddParameter("ApiKey", Secure(key)).AddParameter("Server", server.BaseUri.AbsoluteUri);
                ps.Invoke();
            }
            Console.Error.WriteLine($"clawdtalk: sandbox at {server.BaseUri} (time scale {timeScale}), simulated gateway at {server.GatewayUri}");
            Console.Error.WriteLine($"clawdtalk: live dashboard at {server.DashboardUri}");
            if (openDashboard) OpenBrowser(server.DashboardUri.AbsoluteUri);
            return new Stopper(server);
        }

        /// <summary>
        /// Asks the desktop to open <paramref name="url"/> (xdg-open, open or start, whichever exists); never fails:
        /// without a desktop the printed URL is the way in.
        /// </summary>
        static void OpenBrowser(string url)
        {
            string? program = null;
            var args = new System.Collections.Generic.List<string>();
            if (OperatingSystem.IsWindows()) { program = "cmd.exe"; args.AddRange(new[] { "/c", "start", "", url }); }
            else
            {
                foreach (var candidate in OperatingSystem.IsMacOS() ? new[] { "open" } : new[] { "xdg-open", "open" })
                {
                    var found = FindOnPath(candidate);
                    if (found != null) { program = found; args.Add(url); break; }
                }
            }
            if (program == null)
            {
                Console.Error.WriteLine("clawdtalk: no browser opener (xdg-open/open) found; open the dashboard URL above yourself.");
                return;
            }
            try
            {
                var psi = new System.Diagnostics.ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var p = System.Diagnostics.Process.Start(psi);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Console.Error.WriteLine($"clawdtalk: could not open a browser ({e.Message}); open the dashboard URL above yourself.");
            }
        }

        static string? FindOnPath(string name)
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator))
            {
                if (dir.Length == 0) continue;
                var p = System.IO.Path.Combine(dir, name);
                if (System.IO.File.Exists(p)) return p;
            }
            return null;
        }

        static SecureString Secure(string text)
        {
            var s = new SecureString();
            foreach (var c in text) s.AppendChar(c);
            s.MakeReadOnly();
            return s;
        }

        sealed class Stopper : IDisposable
        {
            readonly SandboxServer _server;
            public Stopper(SandboxServer server) { _server = server; }
            public void Dispose() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
