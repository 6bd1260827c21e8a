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
        public static IDisposable Start(ScriptSession session, double timeScale)
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
            return new Stopper(server);
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
