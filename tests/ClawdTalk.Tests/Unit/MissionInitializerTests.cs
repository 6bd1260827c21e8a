using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Commands.Missions;
using ClawdTalk.Missions;
using ClawdTalk.State;
using ClawdTalk.Tests.Harness;
using ClawdTalk.Tests.Missions;
using Newtonsoft.Json.Linq;
using Xunit;
using ApiJson = ClawdTalk.Api.Json;

namespace ClawdTalk.Tests.Unit
{
    /// <summary>The six phases of Initialize-ClawdTalkMission as a service: no PowerShell engine, a sandbox, a private state file.</summary>
    public sealed class MissionInitializerTests : IClassFixture<MissionSandbox>, IDisposable
    {
        readonly MissionSandbox _sb;
        readonly string _dir = Path.Combine(Path.GetTempPath(), "ct-init-" + Guid.NewGuid().ToString("N"));

        public MissionInitializerTests(MissionSandbox sb)
        {
            _sb = sb;
            Directory.CreateDirectory(_dir);
        }

        public void Dispose()
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        /// <summary>The simplest bookkeeping: requests run inline, events logged plainly, create-once without markers.</summary>
        sealed class PlainBookkeeper : IMissionBookkeeper
        {
            public PlainBookkeeper(MissionsApi missions) { Missions = missions; }
            public MissionsApi Missions { get; }
            public List<string> Said { get; } = new List<string>();
            public int Gone, Followed;

            public T Call<T>(Func<CancellationToken, Task<T>> work) => work(CancellationToken.None).GetAwaiter().GetResult();

            public MissionEvent LogEvent(MissionTarget t, MissionEventType type, string summary, string? stepId = null, JToken? payload = null)
            {
                var body = new JObject { ["type"] = Wire.Event(type), ["summary"] = summary, ["agent_id"] = "test" };
                if (payload != null) body["payload"] = payload;
                return MissionEvent.From(Call(ct => RunEventLog.LogAsync(Missions.Client, t.MissionId, t.RunId, body, "test:" + Guid.NewGuid().ToString("N"), _ => { }, ct)), t.MissionId, t.RunId, t.Slug);
            }

            public string CreateOnce(string slug, string kind, Func<JObject, string?> find, Func<JObject, string> create, Action<JObject, string> record)
            {
                var id = create(new JObject { ["token"] = Guid.NewGuid().ToString("N"), ["started_at"] = MissionStateStore.Now() });
                Store!.UpdateExisting(slug, e => record(e, id));
                return id;
            }

            public MissionStateStore? Store;
            public void FollowServiceEnd(MissionTarget t, MissionRun run, JObject? payload) => Followed++;
            public void RunGone(MissionTarget t, string reason) => Gone++;
            public void Verbose(string message) => Said.Add(message);
            public void Warning(string message) => Said.Add("WARNING: " + message);
        }

        (MissionInitializer init, MissionStateStore store, PlainBookkeeper b) Make()
        {
            var api = new ApiClient(new ClawdTalkConnection(new Uri(_sb.Url + "/v1/"), _sb.Key, "test"));
            var store = new MissionStateStore(Path.Combine(_dir, "state.json"));
            var b = new PlainBookkeeper(new MissionsApi(api)) { Store = store };
            return (new MissionInitializer(store, b), store, b);
        }

        static MissionInitRequest Request(string name) => new MissionInitRequest
        {
            Name = name, Slug = Names.SlugOf(name), Instructions = "Call the list.", Request = "call them",
            Steps = new List<StepSpec> { new StepSpec { StepId = "call", Description = "Call", Sequence = 1 }, new StepSpec { StepId = "report", Description = "Report", Sequence = 2 } },
        };

        [Fact]
        public void Creates_mission_run_plan_running_and_one_record_then_a_rerun_sends_no_write()
        {
            var (init, store, _) = Make();
            var q = Request(Names.Unique("Init service"));
            var entry = init.Initialize(q);
            var mid = ApiJson.Str(entry, StateKeys.MissionId)!;
            var rid = ApiJson.Str(entry, StateKeys.RunId)!;
            Assert.Equal("running", ApiJson.Str(entry, StateKeys.RunStatus));
            Assert.Equal(new[] { "call", "report" }, _sb.Steps(mid, rid).Select(s => (string?)s["step_id"]));
            Assert.Equal("running", (string?)_sb.Run(mid, rid)["status"]);
            Assert.Single(_sb.Events(mid, rid));
            Assert.True((bool)entry[StateKeys.InitLogged]!);

            var mark = _sb.Mark();
            var again = init.Initialize(q);
            Assert.Equal(rid, ApiJson.Str(again, StateKeys.RunId));
            Assert.Empty(MissionSandbox.Writes(_sb.Log(mark)));
            Assert.Equal(rid, ApiJson.Str(store.Require(q.Slug), StateKeys.RunId));
        }

        [Fact]
        public void A_run_that_ended_on_the_service_is_archived_and_a_new_run_starts()
        {
            var (init, store, b) = Make();
            var q = Request(Names.Unique("Init ended"));
            var first = init.Initialize(q);
            var mid = ApiJson.Str(first, StateKeys.MissionId)!;
            var rid = ApiJson.Str(first, StateKeys.RunId)!;
            _sb.Send(new System.Net.Http.HttpMethod("PATCH"), $"missions/{mid}/runs/{rid}", new { status = "succeeded", result_summary = "done elsewhere" });

            var second = init.Initialize(q);
            Assert.Equal(mid, ApiJson.Str(second, StateKeys.MissionId));
            Assert.NotEqual(rid, ApiJson.Str(second, StateKeys.RunId));
            Assert.Equal(1, b.Followed);
            var history = (JArray)store.Require(q.Slug)[StateKeys.PreviousRuns]!;
            Assert.Equal(rid, (string?)history.Single()["run_id"]);
            Assert.Equal("succeeded", (string?)history.Single()["status"]);
        }
    }
}
