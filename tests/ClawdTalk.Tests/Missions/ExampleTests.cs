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
        public void The_quick_start_mission_places_real_calls_retries_and_records_what_the_service_said()
        {
            _sb.AddNumbers(1);
            var script = Path.Combine(ModuleLocation.RepoRoot, "examples", "mission.ps1");
            var name = Names.Unique("Example");
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.RunFormatted("& $script -Name $name", _sb.Vars(("script", script), ("name", name))).Ok();
            // 0142 answers, 0005 answers the second call, 0003 voicemail, 0002 busy (twice)
            Assert.Contains("Called 4 plumbers: 2 gave a quote; 2 answered, 1 busy, 1 voicemail.", r.HostText);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(r.HostText, "Mission succeeded"));
            Assert.Contains("Succeeded", r.HostText);

            var entry = StateFile.Entry(Names.SlugOf(name));
            Assert.Equal("succeeded", (string?)entry["status"]);
            var run = _sb.Run((string)entry["mission_id"]!, (string)entry["run_id"]!);
            Assert.Equal("succeeded", (string?)run["status"]);
            var outcomes = run["result_payload"]!["outcomes"]!.ToDictionary(o => (string)o["Plumber"]!, o => ((string?)o["Outcome"], (int?)o["Attempts"]));
            Assert.Equal(("answered", 1), outcomes["Ada Plumbing"]);
            Assert.Equal(("answered", 2), outcomes["Brook Pipes"]);
            Assert.Equal(("voicemail", 1), outcomes["Cole & Sons"]);
            Assert.Equal(("busy", 2), outcomes["Drain Kings"]);
            Assert.Equal(2, run["result_payload"]!["quotes"]!.Count());
            Assert.All(_sb.Steps((string)entry["mission_id"]!, (string)entry["run_id"]!), s => Assert.Equal("completed", (string?)s["status"]));

            // the calls really were placed: four scheduled, then one more each for the no-answer and the busy number
            var schedules = _sb.Log(mark).Where(q => (string?)q["method"] == "POST" && ((string?)q["path"] ?? "").EndsWith("/events", System.StringComparison.Ordinal)
                                                 && ((string?)q["path"] ?? "").Contains("/assistants/") && (bool?)q["applied"] == true).ToList();
            Assert.Equal(6, schedules.Count);
        }
    }
}
