using System.IO;
using System.Linq;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>examples/mission.ps1 runs as a user would run it, on a connected session, against the sandbox.</summary>
    public sealed class ExampleTests : IClassFixture<MissionSandbox>
    {
        readonly MissionSandbox _sb;
        public ExampleTests(MissionSandbox sb) { _sb = sb; }

        [Fact]
        public void The_mission_example_runs_to_a_succeeded_mission()
        {
            _sb.AddNumbers(1);
            var script = Path.Combine(ModuleLocation.RepoRoot, "examples", "mission.ps1");
            var name = Names.Unique("Example");
            using var ps = _sb.Session();
            var r = ps.Run("& $script -Name $name", _sb.Vars(("script", script), ("name", name))).Ok();
            // the last step ended the run ("Mission succeeded", once); Complete-ClawdTalkMission then recorded the result
            Assert.Contains("Mission result: 2 of 3 leads want a demo: Ada, Grace", r.HostText);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(r.HostText, "Mission succeeded"));
            Assert.Contains("Succeeded", r.HostText);

            var entry = StateFile.Entry(Names.SlugOf(name));
            Assert.Equal("succeeded", (string?)entry["status"]);
            Assert.Equal(3, entry["memory"]!["leads"]!.Count());
            Assert.NotNull((string?)entry["agent_phone"]);
            var run = _sb.Run((string)entry["mission_id"]!, (string)entry["run_id"]!);
            Assert.Equal("succeeded", (string?)run["status"]);
            Assert.Equal(new[] { "Ada", "Grace" }, run["result_payload"]!["interested"]!.Select(t => (string?)t));
            Assert.All(_sb.Steps((string)entry["mission_id"]!, (string)entry["run_id"]!), s => Assert.Equal("completed", (string?)s["status"]));

            // only core cmdlets and the module's: nothing from Microsoft.PowerShell.Utility or others
            var used = ps.Run("$t = $null; $e = $null; $ast = [System.Management.Automation.Language.Parser]::ParseFile($script, [ref]$t, [ref]$e); " +
                              "$ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() }",
                _sb.Vars(("script", script))).Ok().Output.Select(o => o.ToString()).Distinct().ToList();
            var core = new[] { "Out-Default", "Out-Null", "ForEach-Object", "Where-Object" };
            Assert.All(used, c => Assert.True(c.Contains("-ClawdTalk") || core.Contains(c), c + " is not a core or ClawdTalk cmdlet"));
        }
    }
}
