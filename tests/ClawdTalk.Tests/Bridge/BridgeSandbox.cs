using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// One sandbox (service + simulated agent gateway) per test class, with its own API key and gateway token, and the
    /// helpers the bridge tests share: control endpoints, polling with deadlines, a session that starts a bridge with
    /// short timings.
    /// </summary>
    public class BridgeSandbox : IAsyncLifetime
    {
        public SandboxServer Server { get; private set; } = null!;
        public string Key { get; } = Keys.NewApiKey();
        public string GatewayToken { get; } = Keys.NewGatewayToken();
        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

        protected virtual double TimeScale => 600;

        public async Task InitializeAsync()
        {
            Server = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = Key, TimeScale = TimeScale, GatewayToken = GatewayToken });
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Http.Dispose();
            ForgetLock(Key);
        }

        /// <summary>Removes the (released) one-bridge lock file a test key left under the module's folder.</summary>
        public static void ForgetLock(string key)
        {
            var path = System.IO.Path.Combine(ClawdTalk.Bridge.BridgeLock.Directory, ClawdTalk.Bridge.BridgeLock.KeyHash(key) + ".lock");
            try { System.IO.File.Delete(path); } catch (System.IO.IOException) { }
        }

        public string Url => Server.BaseUri.ToString().TrimEnd('/');
        public string GatewayUrl => Server.GatewayUri!.ToString().TrimEnd('/');

        public PsSession NewSession() => new PsSession().Secret(Key, GatewayToken);

        public Dictionary<string, object?> Vars(string? key = null, string? url = null) => new()
        {
            ["key"] = SecureStrings.From(key ?? Key), ["url"] = url ?? Url, ["gw"] = GatewayUrl, ["gwt"] = SecureStrings.From(GatewayToken),
        };

        static readonly (string Name, string Value)[] ShortTimings =
        {
            ("ReconnectDelay", "00:00:00.050"), ("MaxReconnectDelay", "00:00:00.400"), ("StablePeriod", "00:00:05"), ("KeepAliveInterval", "00:00:05"),
        };

        /// <summary>
        /// Connect-ClawdTalk and Start-ClawdTalkBridge with short timings (each overridable through <paramref name="extra"/>);
        /// `$job` holds the job.
        /// </summary>
        public static string Start(string extra = "", string name = "t")
        {
            var timings = string.Join(" ", ShortTimings.Where(t => !extra.Contains("-" + t.Name + " ", StringComparison.Ordinal)).Select(t => $"-{t.Name} {t.Value}"));
            return "Connect-ClawdTalk -ApiKey $key -Server $url; " +
                   $"$job = Start-ClawdTalkBridge -Name {name} -GatewayUrl $gw -GatewayToken $gwt -AgentId tester -OwnerName Ada -AgentName Clawd {timings} {extra}; $job";
        }

        public JsonNode Control(string path, object? body = null)
        {
            var json = body == null ? "{}" : JsonSerializer.Serialize(body);
            using var r = Http.PostAsync(Url + "/_sandbox/" + path, new StringContent(json, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            var text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(r.IsSuccessStatusCode, $"POST /_sandbox/{path} -> {(int)r.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        }

        public JsonNode Read(string path)
        {
            var text = Http.GetStringAsync(Url + "/_sandbox/" + path).GetAwaiter().GetResult();
            return JsonNode.Parse(text)!;
        }

        /// <summary>A REST read of the service API with the fixture's key.</summary>
        public JsonNode Api(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url + "/v1/" + path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
            using var r = Http.Send(request);
            var text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(r.IsSuccessStatusCode, $"GET /v1/{path} -> {(int)r.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        }

        public JsonNode ApiPost(string path, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/v1/" + path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
            using var r = Http.Send(request);
            var text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(r.IsSuccessStatusCode, $"POST /v1/{path} -> {(int)r.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        }

        /// <summary>Pending approvals' ids.</summary>
        public List<string> PendingApprovals() =>
            ((JsonArray)Api("approvals?status=pending")["approvals"]!).Select(a => (string)a!["request_id"]!).ToList();

        /// <summary>The SMS replies the bridge sent (POST /v1/messages/send bodies).</summary>
        public List<JsonObject> SentSms() => RequestLog().Select(r => (JsonObject)r!)
            .Where(r => (string?)r["method"] == "POST" && (string?)r["path"] == "/v1/messages/send" && r["body"] != null)
            .Select(r => (JsonObject)JsonNode.Parse((string)r["body"]!)!).ToList();

        /// <summary>Gateway messages (the `message` the bridge sent to sessions_send).</summary>
        public List<JsonObject> GatewayCalls() => GatewayLog().Select(e => (JsonObject)e!).ToList();

        public JsonArray GatewayLog() => (JsonArray)Read("gateway/log")["calls"]!;
        public JsonArray Frames() => (JsonArray)Read("ws/frames")["frames"]!;
        public JsonObject Request(string id) => (JsonObject)Read("requests/" + id);
        public JsonObject WsStatus() => (JsonObject)Read("ws");
        public JsonArray RequestLog() => (JsonArray)Read("log")["requests"]!;

        /// <summary>Client frames of one type (api_key redacted by the sandbox).</summary>
        public List<JsonObject> ClientFrames(string type) => Frames().Select(f => (JsonObject)f!["frame"]!)
            .Where(f => (string?)f["type"] == type).ToList();

        public static void WaitUntil(Func<bool> condition, string what, double seconds = 15)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed.TotalSeconds > seconds) Assert.Fail($"timed out after {seconds} s waiting for {what}");
                Thread.Sleep(20);
            }
        }

        public void WaitAuthenticated(int authCount = 1) =>
            WaitUntil(() => (bool)WsStatus()["connected"]! && (int)WsStatus()["auth_count"]! >= authCount, $"bridge authenticated ({authCount})");

        public JsonObject WaitAnswered(string requestId, double seconds = 15)
        {
            JsonObject? r = null;
            WaitUntil(() => (bool)(r = Request(requestId))["answered"]!, "request " + requestId + " answered", seconds);
            return r!;
        }

        /// <summary>An inbound call with a deep tool request; returns (call id, request id).</summary>
        public (string CallId, string RequestId) Ask(string query, bool started = false)
        {
            var r = Control("calls/inbound", new { query, started });
            Assert.True((bool)r["delivered"]!, "the sandbox had no bridge to deliver to");
            return ((string)r["call_id"]!, (string)r["request_id"]!);
        }

        /// <summary>The same, without blocking a thread (for many at once).</summary>
        public async Task<(string CallId, string RequestId)> AskAsync(string query)
        {
            var json = JsonSerializer.Serialize(new { query });
            using var r = await Http.PostAsync(Url + "/_sandbox/calls/inbound", new StringContent(json, Encoding.UTF8, "application/json"));
            var node = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            Assert.True((bool)node["delivered"]!, "the sandbox had no bridge to deliver to");
            return ((string)node["call_id"]!, (string)node["request_id"]!);
        }

        /// <summary>Resets the sandbox between tests (state, frames, gateway mode, devices).</summary>
        public void Reset()
        {
            Control("reset");
            Control("devices", new { count = 1, failed = 0 });
        }
    }
}
