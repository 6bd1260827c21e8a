using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>One sandbox per test class (a distinctive key, a high time scale) and helpers to drive and read it.</summary>
    public sealed class MissionSandbox : SandboxHarness
    {
        /// <summary>A session of the real engine connected to this sandbox (or to <paramref name="url"/>), the key registered as a secret.</summary>
        public PsSession Session(string? url = null, int maxRetries = 3)
        {
            var ps = new PsSession().Secret(Key);
            ps.Run($"Connect-ClawdTalk -ApiKey $key -Server $url -MaxRetryCount {maxRetries}", Vars(("url", url ?? Url))).Ok();
            return ps;
        }

        public JObject Run(string missionId, string runId) => (JObject)Api($"missions/{missionId}/runs/{runId}");
        public List<JObject> Steps(string missionId, string runId) => ((JArray)Api($"missions/{missionId}/runs/{runId}/plan")["steps"]!).OfType<JObject>().ToList();
        public List<JObject> Events(string missionId, string runId) => ((JArray)Api($"missions/{missionId}/runs/{runId}/events")).OfType<JObject>().ToList();

        /// <summary>Requests of this log that changed something (POST/PATCH/DELETE that reached their handler).</summary>
        public static List<JObject> Writes(IEnumerable<JObject> log) =>
            log.Where(r => (string?)r["method"] != "GET" && (bool?)r["applied"] == true).ToList();
    }

    /// <summary>Mission names no other test (or test run) uses.</summary>
    public static class Names
    {
        public static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];
        public static string SlugOf(string name) => ClawdTalk.State.Slugs.From(name);
    }

    /// <summary>The slug store file the test process uses (CLAWDTALK_STATE, set by TestEnvironment).</summary>
    public static class StateFile
    {
        public static string Path => Environment.GetEnvironmentVariable("CLAWDTALK_STATE")!;

        public static JObject Entry(string slug)
        {
            var root = ClawdTalk.State.MissionStateStore.ReadFile(Path, "x");
            return (JObject)(root[slug] ?? throw new Xunit.Sdk.XunitException($"no '{slug}' in the state file"));
        }

        public static JObject? Find(string slug) => ClawdTalk.State.MissionStateStore.ReadFile(Path, "x")[slug] as JObject;
    }
}
