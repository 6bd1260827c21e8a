using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>
    /// The one sandbox test harness: starts the in-process sandbox (service + simulated agent gateway) on a free loopback
    /// port with a distinctive API key and gateway token, and gives the tests one member per concept: sessions of the real
    /// engine connected to it, script variables, the control endpoints, the request log, the service's own view of its
    /// state, and helpers to set up a mission. Use it as an <c>IClassFixture</c>; a fixture that needs other settings is a
    /// thin subclass that overrides <see cref="TimeScale"/>, <see cref="InstantInsights"/>, <see cref="Gateway"/> or
    /// <see cref="Configure"/> (xunit needs a distinct type per class fixture). Tests of one class run one after another, so
    /// a class may change the sandbox's settings as long as it puts them back (or calls <see cref="Reset"/>).
    /// </summary>
    public class SandboxHarness : IAsyncLifetime
    {
        readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
        bool _disposed;

        /// <summary>Virtual seconds per real second: 600 (a call takes a tenth of a second), 60 (a second), 1 (real time).</summary>
        protected virtual double TimeScale => 600;

        /// <summary>Insights complete at their first read (tests that wait for calls, not for the sandbox's insight model).</summary>
        protected virtual bool InstantInsights => false;

        /// <summary>Start the simulated agent gateway (its URL is <see cref="GatewayUrl"/>, its token <see cref="GatewayToken"/>).</summary>
        protected virtual bool Gateway => true;

        /// <summary>Any other start-up setting (fault rate, seed, rate limit…), applied last.</summary>
        protected virtual void Configure(SandboxOptions options) { }

        /// <summary>Runs once the sandbox listens and again after each <see cref="Reset"/> (class-wide control switches).</summary>
        protected virtual void Prepare()
        {
            if (InstantInsights) Control("insights", new { pending_reads = 0 });
        }

        /// <summary>The only API key the sandbox accepts (distinctive, so the secrets scanner finds any leak).</summary>
        public string Key { get; } = Keys.NewApiKey();

        /// <summary>The simulated gateway's bearer token (distinctive, like the key).</summary>
        public string GatewayToken { get; } = Keys.NewGatewayToken();

        public SandboxServer Server { get; private set; } = null!;

        /// <summary>The sandbox's base URL (no trailing slash), what <c>Connect-ClawdTalk -Server</c> takes.</summary>
        public string Url => Server.BaseUri.AbsoluteUri.TrimEnd('/');

        /// <summary>The service API's base URL (<c>{Url}/v1</c>).</summary>
        public string ApiBase => Url + "/v1";

        /// <summary>The simulated gateway's URL (no trailing slash).</summary>
        public string GatewayUrl => Server.GatewayUri!.AbsoluteUri.TrimEnd('/');

        /// <summary>The time scale this sandbox runs at (also <c>$scale</c> in <see cref="Vars"/>).</summary>
        public double Scale => TimeScale;

        /// <summary>A harness started outside xunit (a test that stops its own sandbox midway); dispose it.</summary>
        public static async Task<SandboxHarness> StartAsync()
        {
            var h = new SandboxHarness();
            await h.InitializeAsync();
            return h;
        }

        public virtual async Task InitializeAsync()
        {
            var options = new SandboxOptions { ApiKey = Key, GatewayToken = GatewayToken, TimeScale = TimeScale, NoGateway = !Gateway };
            Configure(options);
            Server = await SandboxServer.StartAsync(options);
            Prepare();
        }

        public virtual async Task DisposeAsync()
        {
            if (_disposed) return;
            _disposed = true;
            await Server.DisposeAsync();
            _http.Dispose();
        }

        // ---- sessions and script variables

        /// <summary>
        /// A session of the real engine connected to this sandbox (or to <paramref name="url"/>, e.g. a proxy in front of it)
        /// with <paramref name="connectArgs"/> added to Connect-ClawdTalk; the key and gateway token registered as secrets.
        /// </summary>
        public PsSession Session(string connectArgs = "", string? url = null, TextReader? input = null)
        {
            var ps = NewSession(input);
            ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url " + connectArgs, Vars(("url", url ?? Url))).Ok();
            return ps;
        }

        /// <summary>A session not connected yet (the script connects), the key and gateway token registered as secrets.</summary>
        public PsSession NewSession(TextReader? input = null) => new PsSession(input: input).Secret(Key, GatewayToken);

        /// <summary>
        /// Script variables: <c>$key</c> (SecureString), <c>$url</c>, <c>$scale</c>, and with the gateway <c>$gw</c> and
        /// <c>$gwt</c> (SecureString); <paramref name="more"/> adds or replaces any.
        /// </summary>
        public Dictionary<string, object?> Vars(params (string name, object? value)[] more)
        {
            var d = new Dictionary<string, object?> { ["key"] = SecureStrings.From(Key), ["url"] = Url, ["scale"] = TimeScale };
            if (Gateway) { d["gw"] = GatewayUrl; d["gwt"] = SecureStrings.From(GatewayToken); }
            foreach (var (n, v) in more) d[n] = v;
            return d;
        }

        // ---- control endpoints (/_sandbox/...)

        /// <summary>
        /// A POST to a control endpoint; <paramref name="path"/> is relative to <c>/_sandbox/</c> (a leading
        /// <c>/_sandbox/</c> is accepted too); <paramref name="body"/> is an object serialised to JSON or a JSON text.
        /// </summary>
        public JObject Control(string path, object? body = null) => Control(HttpMethod.Post, path, body ?? new { });

        /// <summary>A request of any method to a control endpoint (see <see cref="Control(string, object?)"/>).</summary>
        public JObject Control(HttpMethod method, string path, object? body = null)
        {
            using var req = new HttpRequestMessage(method, Url + "/_sandbox/" + ControlPath(path));
            if (body != null) req.Content = Json(body);
            return Read(req, $"{method} /_sandbox/{ControlPath(path)}") is JObject o ? o : new JObject();
        }

        /// <summary>The same POST without blocking a thread (for many at once).</summary>
        public async Task<JObject> ControlAsync(string path, object? body = null)
        {
            using var res = await _http.PostAsync(Url + "/_sandbox/" + ControlPath(path), Json(body ?? new { }));
            var text = await res.Content.ReadAsStringAsync();
            Assert.True(res.IsSuccessStatusCode, $"POST /_sandbox/{ControlPath(path)}: {(int)res.StatusCode} {text}");
            return string.IsNullOrWhiteSpace(text) ? new JObject() : JObject.Parse(text);
        }

        /// <summary>A GET of a control endpoint (state the sandbox exposes: ws, requests/{id}, gateway/log, frames…).</summary>
        public JObject ControlGet(string path) => Control(HttpMethod.Get, path);

        static string ControlPath(string path)
        {
            path = path.TrimStart('/');
            return path.StartsWith("_sandbox/", StringComparison.Ordinal) ? path["_sandbox/".Length..] : path;
        }

        /// <summary>Resets the sandbox's state (missions, calls, faults, frames, gateway mode) and re-applies <see cref="Prepare"/>.</summary>
        public virtual void Reset()
        {
            Control("reset");
            Prepare();
        }

        /// <summary>Adds <paramref name="count"/> dedicated numbers to the account.</summary>
        public void AddNumbers(int count) => Control("numbers", new { count });

        /// <summary>Faults on a share of /v1 requests (0 turns them off); kinds default to all four.</summary>
        public void Faults(double rate, double stallSeconds = 5, params string[] kinds) =>
            Control("faults", new { rate, faults = kinds.Length == 0 ? new[] { "429", "503", "reset", "stall" } : kinds, stall_seconds = stallSeconds });

        // ---- the request log

        /// <summary>The sequence number of the latest logged request.</summary>
        public long Mark() => Log(0).Select(e => (long)e["seq"]!).DefaultIfEmpty(0).Max();

        /// <summary>Every /v1 request after <paramref name="since"/>, in order (seq, method, path, query, status, applied, body).</summary>
        public List<JObject> Log(long since = 0) =>
            ((JArray)ControlGet("log?since=" + since)["requests"]!).OfType<JObject>().ToList();

        /// <summary>The logged requests after <paramref name="since"/> of one method whose path starts with <paramref name="pathPrefix"/>.</summary>
        public List<JObject> Requests(long since, string method, string pathPrefix) =>
            Log(since).Where(e => (string?)e["method"] == method && ((string?)e["path"] ?? "").StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

        /// <summary>Requests of this log that changed something (POST/PATCH/DELETE that reached their handler).</summary>
        public static List<JObject> Writes(IEnumerable<JObject> log) =>
            log.Where(r => (string?)r["method"] != "GET" && (bool?)r["applied"] == true).ToList();

        // ---- the service's own view

        /// <summary>A GET of the service API with the key, its one-member envelope unwrapped (<c>{"events":[…]}</c> → the array).</summary>
        public JToken Api(string path) => Unwrap(Read(Authorized(HttpMethod.Get, path), "GET " + path));

        /// <summary>A request of the service API with the key, as another client would send it; the answer as sent.</summary>
        public JToken Send(HttpMethod method, string path, object? body = null)
        {
            using var req = Authorized(method, path);
            if (body != null) req.Content = Json(body);
            return Read(req, $"{method} {path}");
        }

        public JObject Run(string missionId, string runId) => (JObject)Api($"missions/{missionId}/runs/{runId}");
        public List<JObject> Steps(string missionId, string runId) => ((JArray)Api($"missions/{missionId}/runs/{runId}/plan")["steps"]!).OfType<JObject>().ToList();

        /// <summary>The run's timeline events.</summary>
        public List<JObject> Events(string missionId, string runId) => ((JArray)Api($"missions/{missionId}/runs/{runId}/events")).OfType<JObject>().ToList();

        public List<JObject> Events(MissionState m) => Events(m.MissionId!, m.RunId!);

        /// <summary>An assistant's scheduled events.</summary>
        public List<JObject> ScheduledEvents(string assistantId) => ((JArray)Api($"assistants/{assistantId}/events")).OfType<JObject>().ToList();

        /// <summary>One scheduled event.</summary>
        public JObject ScheduledEvent(string assistantId, string eventId) => (JObject)Api($"assistants/{assistantId}/events/{eventId}");

        /// <summary>Schedules a call with raw REST (as another client would); returns the event id.</summary>
        public string ScheduleCall(string assistantId, string from, string to, string missionId, string runId, string? stepId, TimeSpan ahead)
        {
            var body = new Dictionary<string, object?>
            {
                ["channel"] = "call", ["to"] = to, ["from"] = from, ["mission_id"] = missionId, ["run_id"] = runId,
                // on the sandbox's clock (it runs TimeScale times faster), with half a real second for the request's way there
                ["scheduled_at"] = Server.Now.Add(ahead).AddSeconds(0.5 * TimeScale).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            };
            if (stepId != null) body["step_id"] = stepId;
            return (string)Unwrap(Send(HttpMethod.Post, $"assistants/{assistantId}/events", body))["id"]!;
        }

        // ---- setting up through the module

        /// <summary>Names no other test (or test run) uses: the prefix and 12 random hex digits.</summary>
        public static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];

        /// <summary>A new mission (unique name) with a plan and an agent holding a fresh number, through the module; returns it.</summary>
        public MissionState Mission(PsSession ps, string prefix, params string[] steps)
        {
            AddNumbers(1);
            var stepList = steps.Length == 0 ? "'calls'" : string.Join(",", steps.Select(s => $"'{s}'"));
            var r = ps.Run($"Initialize-ClawdTalkMission -Name $name -Instructions 'Outreach test' -Request 'Test' -Step {stepList} | Add-ClawdTalkAgent -Instructions 'Be brief.'",
                Vars(("name", Unique(prefix)))).Ok();
            return r.Single<MissionState>();
        }

        // ---- waiting

        /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="seconds"/>.</summary>
        public static void WaitUntil(Func<bool> condition, string what, double seconds = 15)
        {
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {seconds} s waiting for {what}");
                Thread.Sleep(20);
            }
        }

        /// <summary>Polls <paramref name="probe"/> until it returns a value; fails after <paramref name="within"/>.</summary>
        public static T WaitFor<T>(Func<T?> probe, TimeSpan within, string what) where T : class
        {
            T? value = null;
            WaitUntil(() => (value = probe()) != null, what, within.TotalSeconds);
            return value!;
        }

        // ---- transport

        HttpRequestMessage Authorized(HttpMethod method, string path)
        {
            var req = new HttpRequestMessage(method, ApiBase + "/" + path.TrimStart('/'));
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            return req;
        }

        static StringContent Json(object body) =>
            new(body is string text ? text : JToken.FromObject(body).ToString(), Encoding.UTF8, "application/json");

        static JToken Unwrap(JToken token) =>
            token is JObject o && o.Count == 1 && o.Properties().First().Value is JContainer inner ? inner : token;

        JToken Read(HttpRequestMessage req, string what)
        {
            using (req)
            {
                using var res = _http.Send(req);
                var text = new StreamReader(res.Content.ReadAsStream()).ReadToEnd();
                Assert.True(res.IsSuccessStatusCode, $"{what}: {(int)res.StatusCode} {text}");
                return string.IsNullOrWhiteSpace(text) ? new JObject() : JToken.Parse(text);
            }
        }
    }
}
