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
    public sealed class MissionSandbox : IAsyncLifetime
    {
        readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

        public string Key { get; } = Keys.NewApiKey();
        public SandboxServer Server { get; private set; } = null!;
        public string Url => Server.BaseUri.AbsoluteUri.TrimEnd('/');

        public async Task InitializeAsync() =>
            Server = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = Key, TimeScale = 600, GatewayToken = Keys.NewGatewayToken() });

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            _http.Dispose();
        }

        /// <summary>A session of the real engine connected to this sandbox (or to <paramref name="url"/>), the key registered as a secret.</summary>
        public PsSession Session(string? url = null, int maxRetries = 3)
        {
            var ps = new PsSession().Secret(Key);
            ps.Run($"Connect-ClawdTalk -ApiKey $key -Server $url -MaxRetryCount {maxRetries}", Vars(("url", url ?? Url))).Ok();
            return ps;
        }

        public Dictionary<string, object?> Vars(params (string name, object? value)[] more)
        {
            var d = new Dictionary<string, object?> { ["key"] = SecureStrings.From(Key), ["url"] = Url };
            foreach (var (n, v) in more) d[n] = v;
            return d;
        }

        /// <summary>Every request the sandbox received (method, path, query, status, applied, body).</summary>
        public List<JObject> Log() => ((JArray)Control(HttpMethod.Get, "/_sandbox/log")["requests"]!).OfType<JObject>().ToList();

        public JObject Control(HttpMethod method, string path, object? body = null)
        {
            using var req = new HttpRequestMessage(method, Url + path);
            if (body != null) req.Content = new StringContent(JToken.FromObject(body).ToString(), Encoding.UTF8, "application/json");
            using var res = _http.Send(req);
            var text = new StreamReader(res.Content.ReadAsStream()).ReadToEnd();
            Assert.True(res.IsSuccessStatusCode, $"{method} {path}: {(int)res.StatusCode} {text}");
            return JObject.Parse(text);
        }

        /// <summary>Reads the service's own view (with the key), unwrapping the contract's envelopes.</summary>
        public JToken Api(string path)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, Url + "/v1/" + path.TrimStart('/'));
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using var res = _http.Send(req);
            var text = new StreamReader(res.Content.ReadAsStream()).ReadToEnd();
            Assert.True(res.IsSuccessStatusCode, $"GET {path}: {(int)res.StatusCode} {text}");
            var token = JToken.Parse(text);
            return token is JObject o && o.Count == 1 && o.Properties().First().Value is JContainer inner ? inner : token;
        }

        public JObject Run(string missionId, string runId) => (JObject)Api($"missions/{missionId}/runs/{runId}");
        public List<JObject> Steps(string missionId, string runId) => ((JArray)Api($"missions/{missionId}/runs/{runId}/plan")["steps"]!).OfType<JObject>().ToList();
        public List<JObject> Events(string missionId, string runId) => ((JArray)Api($"missions/{missionId}/runs/{runId}/events")).OfType<JObject>().ToList();

        public void AddNumbers(int count) => Control(HttpMethod.Post, "/_sandbox/numbers", new { count });

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
