using System;
using System.Linq;
using System.Net.Http;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>
    /// Resume without orphans: the client "dies" at each request of Initialize-ClawdTalkMission (before it reaches the
    /// service, or after the service applied it but before the answer arrived); a rerun must finish the job with exactly
    /// one mission, one run, one plan and one initialization event.
    /// </summary>
    public sealed class MissionCrashTests : IClassFixture<MissionSandbox>
    {
        readonly MissionSandbox _sb;
        public MissionCrashTests(MissionSandbox sb) { _sb = sb; }
        string _trace = "";

        const string Init = "Initialize-ClawdTalkMission -Name $name -Instructions 'Crash test' -Request 'Survive a crash' -Step 'First step', 'Second step'";
        /// <summary>The requests of a fresh Initialize-ClawdTalkMission, in order.</summary>
        static readonly string[] Sequence = { "POST /v1/missions", "POST runs", "POST plan", "PATCH run", "POST events" };

        [Theory]
        [InlineData(1, CrashingProxy.CrashMode.Before)]
        [InlineData(1, CrashingProxy.CrashMode.AnswerLost)]
        [InlineData(2, CrashingProxy.CrashMode.Before)]
        [InlineData(2, CrashingProxy.CrashMode.AnswerLost)]
        [InlineData(3, CrashingProxy.CrashMode.Before)]
        [InlineData(3, CrashingProxy.CrashMode.AnswerLost)]
        [InlineData(4, CrashingProxy.CrashMode.Before)]
        [InlineData(4, CrashingProxy.CrashMode.AnswerLost)]
        [InlineData(5, CrashingProxy.CrashMode.Before)]
        [InlineData(5, CrashingProxy.CrashMode.AnswerLost)]
        public void A_rerun_after_a_crash_at_any_request_leaves_one_mission_and_one_run(int crashAt, CrashingProxy.CrashMode mode)
        {
            var name = Names.Unique("Crash");
            var slug = Names.SlugOf(name);
            var vars = _sb.Vars(("name", name));

            using (var proxy = new CrashingProxy(_sb.Url, seen => seen.Index == crashAt, mode))
            using (var ps = _sb.Session("-MaxRetryCount 0", url: proxy.Url))
            {
                var crashed = ps.Run(Init + " -Verbose", vars);
                _trace = string.Join("\n", crashed.Verbose) + "\n" + string.Join("\n", crashed.ErrorIds);
                Assert.True(proxy.Crashed, $"the proxy never reached request {crashAt}");
                Assert.NotEmpty(crashed.ErrorIds); // the interrupted run reports its failure
                var seen = proxy.Requests.ToArray();
                Assert.StartsWith(Sequence[crashAt - 1].Split(' ')[0], seen[crashAt - 1].Method);
            }

            using (var ps = _sb.Session())
            {
                var rerun = ps.Run(Init + " -Verbose", vars);
                _trace += "\n--- rerun\n" + string.Join("\n", rerun.Verbose);
                var state = rerun.Single<MissionState>();
                Assert.Equal(RunStatus.Running, state.RunStatus);
                var log = _sb.Log();
                _trace += "\n--- log\n" + string.Join("\n", log.Where(r => ((string?)r["body"] ?? "").Contains(name) || ((string?)r["path"] ?? "").Contains("/v1/missions")).Select(r => r.ToString(Newtonsoft.Json.Formatting.None)));
                var missionPosts = log.Where(r => (string?)r["method"] == "POST" && (string?)r["path"] == "/v1/missions" && (bool?)r["applied"] == true
                                                  && ((string?)r["body"] ?? "").Contains(name)).ToList();
                Assert.True(missionPosts.Count == 1, _trace);
                var runPosts = log.Where(r => (string?)r["method"] == "POST" && (string?)r["path"] == $"/v1/missions/{state.MissionId}/runs" && (bool?)r["applied"] == true).ToList();
                Assert.Single(runPosts);
                Assert.Single((JArray)_sb.Api($"missions/{state.MissionId}/runs"));
                Assert.Equal("running", (string?)_sb.Run(state.MissionId!, state.RunId!)["status"]);
                Assert.Equal(new[] { "first-step", "second-step" }, _sb.Steps(state.MissionId!, state.RunId!).Select(s => (string?)s["step_id"]));
                Assert.Single(_sb.Events(state.MissionId!, state.RunId!), e => ((string?)e["summary"] ?? "").Contains("initialized"));
                var entry = StateFile.Entry(slug);
                Assert.Null(entry["pending"]);
                Assert.True((bool)entry["init_logged"]!);

                // a third run changes nothing
                var writes = MissionSandbox.Writes(_sb.Log()).Count;
                Assert.Equal(state.RunId, ps.Run(Init, vars).Single<MissionState>().RunId);
                Assert.Equal(writes, MissionSandbox.Writes(_sb.Log()).Count);
            }
        }

        [Fact]
        public void Ctrl_C_while_the_run_is_being_created_then_a_rerun_leaves_one_mission_and_one_run()
        {
            var name = Names.Unique("CtrlC");
            var vars = _sb.Vars(("name", name));
            // the service creates the run, but its answer never comes; the user presses Ctrl+C
            using (var proxy = new CrashingProxy(_sb.Url, seen => seen.Method == "POST" && seen.Path.EndsWith("/runs"), CrashingProxy.CrashMode.AnswerHeld))
            using (var ps = _sb.Session("-MaxRetryCount 0", url: proxy.Url))
            {
                var r = ps.RunAndStop(Init, () => proxy.Crashed, TimeSpan.FromSeconds(30), vars);
                Assert.True(proxy.Crashed);
                Assert.NotNull(r.StopDuration);
                Assert.True(r.StopDuration < TimeSpan.FromSeconds(5), $"Ctrl+C took {r.StopDuration}");
                Assert.Empty(r.Output);
            }
            using (var ps = _sb.Session())
            {
                var state = ps.Run(Init, vars).Single<MissionState>();
                Assert.Equal(RunStatus.Running, state.RunStatus);
                Assert.Single(_sb.Log(), r => (string?)r["method"] == "POST" && (string?)r["path"] == "/v1/missions" && (bool?)r["applied"] == true && ((string?)r["body"] ?? "").Contains(name));
                Assert.Single((JArray)_sb.Api($"missions/{state.MissionId}/runs"));
            }
        }
    }
}
