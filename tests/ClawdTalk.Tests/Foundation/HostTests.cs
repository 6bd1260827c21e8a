using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>The clawdtalk executable, run as a real process the way an agent runs pwsh -Command.</summary>
    public class HostTests
    {
        internal static (int code, string stdout, string stderr) Clawdtalk(params string[] args) => ClawdtalkWithout(null, args);

        internal static (int code, string stdout, string stderr) ClawdtalkWithout(string? unsetVariable, params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "clawdtalk.dll"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["CLAWDTALK_MODULE"] = ModuleLocation.Manifest;
            if (unsetVariable != null) psi.Environment.Remove(unsetVariable);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(120_000), "clawdtalk did not exit");
            return (p.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public void Command_lists_the_module_cmdlets_through_format_views()
        {
            var (code, stdout, stderr) = Clawdtalk("-NoProfile", "-Command", "Get-Command -Module ClawdTalk");
            Assert.True(code == 0, stderr);
            Assert.Contains("Connect-ClawdTalk", stdout);
            Assert.Contains("Test-ClawdTalkConnection", stdout);
            Assert.DoesNotContain("\u001b[", stdout); // plain text when redirected
        }

        [Fact]
        public void Terminating_errors_go_to_stderr_with_exit_code_1_and_exit_sets_the_code()
        {
            var (code, stdout, stderr) = Clawdtalk("-Command", "'before'; throw 'boom'; 'after'");
            Assert.Equal(1, code);
            Assert.Contains("before", stdout);
            Assert.DoesNotContain("after", stdout);
            Assert.Contains("boom", stderr);
            Assert.Equal(7, Clawdtalk("-Command", "exit 7").code);
            // like pwsh -Command: $? of the last statement decides the exit code
            var nonTerminating = Clawdtalk("-Command", "Get-ClawdTalkMissionState -Slug no-such-mission; 'went on'");
            Assert.Equal(0, nonTerminating.code);
            Assert.Contains("went on", nonTerminating.stdout);
            Assert.Contains("Get-ClawdTalkMissionState: No mission with the slug 'no-such-mission'", nonTerminating.stderr);
            Assert.Equal(1, Clawdtalk("-Command", "'first'; Get-ClawdTalkMissionState -Slug no-such-mission").code);
            Assert.Equal(0, Clawdtalk("-Command", "Get-ClawdTalkMission -MissionId nope -ErrorAction SilentlyContinue; 'ok'").code);
        }

        [Fact]
        public void File_runs_a_script_with_named_and_positional_arguments()
        {
            var script = Path.Combine(TestEnvironment.NewTempDir(), "s.ps1");
            File.WriteAllText(script, "param([string]$Name, [int]$Count, [switch]$Loud) \"$Name x$Count loud=$Loud\"");
            var (code, stdout, stderr) = Clawdtalk("-File", script, "-Name", "it's", "-Count", "3", "-Loud");
            Assert.True(code == 0, stderr);
            Assert.Contains("it's x3 loud=True", stdout);
            File.WriteAllText(script, "'partial'; exit 3");
            Assert.Equal(3, Clawdtalk("-File", script).code); // like pwsh -File
        }

        [Fact]
        public void Sandbox_option_starts_a_sandbox_and_connects_the_session()
        {
            var (code, stdout, stderr) = Clawdtalk("--sandbox", "-Command", "Test-ClawdTalkConnection");
            Assert.True(code == 0, stderr);
            Assert.Matches(@"Status\s*:\s*Ok", stdout);
            Assert.Matches(@"Server\s*:\s*http://127\.0\.0\.1:\d+/v1/", stdout);
            Assert.DoesNotContain("sbx_", stdout + stderr); // the generated key never shows
            var state = ClawdtalkWithout("CLAWDTALK_STATE", "--sandbox", "-Command", "$env:CLAWDTALK_STATE");
            Assert.Contains("clawdtalk-sandbox-", state.stdout); // rehearsals never touch the real mission store
        }

        [Fact]
        public void Bad_arguments_are_reported()
        {
            var (code, _, stderr) = Clawdtalk("--no-such-flag");
            Assert.Equal(64, code);
            Assert.Contains("Unknown argument", stderr);
            Assert.Equal(64, Clawdtalk("-File", "/no/such/script.ps1").code);
        }
    }
}
