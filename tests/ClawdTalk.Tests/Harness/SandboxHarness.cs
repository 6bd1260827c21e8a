using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>
    /// One sandbox per test class (a distinctive key, a high time scale) with the helpers every feature's tests use:
    /// script variables, the control endpoints, the request log and the service's own view of its state.
    /// </summary>
    public abstract class SandboxHarness : IAsyncLifetime
    {
        readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

        protected virtual double TimeScale => 600;

        public string Key { get; } = Keys.NewApiKey();
        public SandboxServer Server { get; private set; } = null!;
        public string Url => Server.BaseUri.AbsoluteUri.TrimEnd('/');

        public async Task InitializeAsync()
        {
            Server = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = Key, TimeScale = TimeScale, GatewayToken = Keys.NewGatewayToken() });
            Started();
        }

        /// <summary>Runs once the sandbox listens (e.g. to set a control switch for the whole class).</summary>
        protected virtual void Started() { }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            _http.Dispose();
        }

        /// <summary>`$key` (a SecureString) and `$url` for scripts, plus <paramref name="more"/>.</summary>
        public Dictionary<string, object?> Vars(params (string name, object? value)[] more)
        {
            var d = new Dictionary<string, object?> { ["key"] = SecureStrings.From(Key), ["url"] = Url };
            AddVars(d);
            foreach (var (n, v) in more) d[n] = v;
            return d;
        }

        protected virtual void AddVars(Dictionary<string, object?> vars) { }

        public JObject Control(HttpMethod method, string path, object? body = null)
        {
            using var req = new HttpRequestMessage(method, Url + path);
            if (body != null) req.Content = new StringContent(JToken.FromObject(body).ToString(), Encoding.UTF8, "application/json");
            return Read(req, $"{method} {path}") is JObject o ? o : new JObject();
        }

        public void AddNumbers(int count) => Control(HttpMethod.Post, "/_sandbox/numbers", new { count });

        /// <summary>The sequence number of the latest logged request.</summary>
        public long Mark() => Log(0).Select(e => (long)e["seq"]!).DefaultIfEmpty(0).Max();

        /// <summary>Every /v1 request after <paramref name="since"/>, in order (method, path, query, status, applied, body).</summary>
        public List<JObject> Log(long since = 0) =>
            ((JArray)Control(HttpMethod.Get, "/_sandbox/log?since=" + since)["requests"]!).OfType<JObject>().ToList();

        /// <summary>The service's own view (with the key), envelopes unwrapped.</summary>
        public JToken Api(string path)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, Url + "/v1/" + path.TrimStart('/'));
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            var token = Read(req, "GET " + path);
            return token is JObject o && o.Count == 1 && o.Properties().First().Value is JContainer inner ? inner : token;
        }

        /// <summary>A request of the service API with the key, as another client would send it.</summary>
        public JToken Send(HttpMethod method, string path, object body)
        {
            using var req = new HttpRequestMessage(method, Url + "/v1/" + path.TrimStart('/'));
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            req.Content = new StringContent(JToken.FromObject(body).ToString(), Encoding.UTF8, "application/json");
            return Read(req, $"{method} {path}");
        }

        JToken Read(HttpRequestMessage req, string what)
        {
            using var res = _http.Send(req);
            var text = new StreamReader(res.Content.ReadAsStream()).ReadToEnd();
            Assert.True(res.IsSuccessStatusCode, $"{what}: {(int)res.StatusCode} {text}");
            return string.IsNullOrWhiteSpace(text) ? new JObject() : JToken.Parse(text);
        }
    }
}
