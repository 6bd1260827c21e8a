using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace ClawdTalk.Acceptance
{
    /// <summary>
    /// The acceptance suite: tests/Pester/Run.ps1 in the pwsh 7.6 pinned by .config/dotnet-tools.json (restored here, as a
    /// fresh machine needs), against the module folder, sandbox and host this build produced. It fails on any Pester
    /// failure or skip, and when discovery finds fewer tests than tests/Pester/Run.ps1 expects.
    /// </summary>
    public sealed class PesterSuiteTests
    {
        static string Meta(string key) =>
            typeof(PesterSuiteTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

        static string RepoRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "ClawdTalk.PowerShell.sln"))) return d.FullName;
            throw new InvalidOperationException("no repository above " + AppContext.BaseDirectory);
        }

        static (int code, string output) Run(string root, params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            psi.Environment["NO_COLOR"] = "1";
            var text = new StringBuilder();
            using var p = new Process { StartInfo = psi };
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (text) text.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (text) text.AppendLine(e.Data); };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (!p.WaitForExit(TimeSpan.FromMinutes(25))) { p.Kill(true); text.AppendLine("(killed after 25 minutes)"); return (-1, text.ToString()); }
            p.WaitForExit();
            return (p.ExitCode, text.ToString());
        }

        [Fact]
        public void The_Pester_acceptance_suite_passes_in_real_pwsh()
        {
            var root = RepoRoot();
            var restore = Run(root, "tool", "restore");
            Assert.True(restore.code == 0, "dotnet tool restore failed:\n" + restore.output);
            var configuration = Meta("Configuration");
            var result = Run(root, "tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "tests", "Pester", "Run.ps1"),
                "-PesterManifest", Meta("PesterManifest"), "-Configuration", configuration,
                "-SandboxPath", Path.Combine(root, "src", "ClawdTalk.Sandbox", "bin", configuration, "net10.0", "ClawdTalk.Sandbox.dll"),
                "-HostPath", Path.Combine(root, "src", "ClawdTalk.Host", "bin", configuration, "net10.0", "clawdtalk.dll"));
            var tail = string.Join("\n", result.output.Split('\n').TakeLast(400));
            Assert.True(result.code == 0, $"The Pester suite failed (exit {result.code}):\n{tail}");
        }
    }
}
