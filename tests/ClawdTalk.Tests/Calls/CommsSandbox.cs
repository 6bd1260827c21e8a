using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Calls
{
    /// <summary>
    /// One sandbox per test class (IClassFixture) for the calls, SMS and approval tests, with a distinctive key, plus helpers
    /// for its control endpoints and request log. Tests of one class run one after another, so a class may change the
    /// sandbox's settings as long as it puts them back.
    /// </summary>
    public class CommsSandbox : IAsyncLifetime
    {
        protected virtual double TimeScale => 600;

        public string Key { get; } = Keys.NewApiKey();
        public SandboxServer Server { get; private set; } = null!;
        public string Url => Server.BaseUri.AbsoluteUri.TrimEnd('/');
        HttpClient _http = null!;

        public async Task InitializeAsync()
        {
            Server = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = Key, TimeScale = TimeScale });
            _http = new HttpClient { BaseAddress = Server.BaseUri, Timeout = TimeSpan.FromSeconds(20) };
        }

        public async Task DisposeAsync()
        {
            _http.Dispose();
            await Server.DisposeAsync();
        }

        /// <summary>A session connected to this sandbox (secrets registered for the scanner).</summary>
        public PsSession Connect(string connectArgs = "", System.IO.TextReader? input = null)
        {
            var ps = new PsSession(input: input).Secret(Key);
            ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url " + connectArgs, Vars()).Ok();
            return ps;
        }

        public Dictionary<string, object?> Vars(params (string Name, object? Value)[] extra)
        {
            var d = new Dictionary<string, object?> { ["key"] = SecureStrings.From(Key), ["url"] = Url };
            foreach (var (n, v) in extra) d[n] = v;
            return d;
        }

        public JsonNode Control(string path, string json)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var r = _http.PostAsync("/_sandbox/" + path, content).GetAwaiter().GetResult();
            var text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(r.IsSuccessStatusCode, $"control {path}: {(int)r.StatusCode} {text}");
            return JsonNode.Parse(text)!;
        }

        /// <summary>A GET of the service API with the key, as a test's own view of the state.</summary>
        public JsonNode Api(string pathAndQuery)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/" + pathAndQuery);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using var r = _http.Send(request);
            var text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(r.IsSuccessStatusCode, $"GET {pathAndQuery}: {(int)r.StatusCode} {text}");
            return JsonNode.Parse(text)!;
        }

        /// <summary>The sequence number of the latest logged request (the log keeps every /v1 request in order).</summary>
        public long Mark() => Log(0).Select(e => (long)e["seq"]!).DefaultIfEmpty(0).Max();

        /// <summary>The requests logged after <paramref name="mark"/>.</summary>
        public List<JsonObject> Log(long mark)
        {
            using var r = _http.GetAsync("/_sandbox/log?since=" + mark).GetAwaiter().GetResult();
            var json = JsonNode.Parse(r.Content.ReadAsStringAsync().GetAwaiter().GetResult())!;
            return json["requests"]!.AsArray().Select(n => n!.AsObject()).ToList();
        }

        public List<JsonObject> Requests(long mark, string method, string pathPrefix) =>
            Log(mark).Where(e => (string?)e["method"] == method && ((string?)e["path"] ?? "").StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

        /// <summary>Polls <paramref name="probe"/> until it returns a value or the deadline passes.</summary>
        public static T WaitFor<T>(Func<T?> probe, TimeSpan within, string what) where T : class
        {
            var deadline = DateTime.UtcNow + within;
            while (true)
            {
                var v = probe();
                if (v != null) return v;
                Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
                Thread.Sleep(25);
            }
        }
    }

    /// <summary>A sandbox where time runs 600 times faster: a whole answered call takes about a tenth of a second.</summary>
    public sealed class FastSandbox : CommsSandbox { }

    /// <summary>A sandbox where a minute passes in a second: an answered call takes about a second.</summary>
    public sealed class MinuteSandbox : CommsSandbox
    {
        protected override double TimeScale => 60;
    }

    /// <summary>A sandbox on the wall clock: calls ring for ten seconds, approvals expire when they say.</summary>
    public sealed class RealTimeSandbox : CommsSandbox
    {
        protected override double TimeScale => 1;
    }
}
