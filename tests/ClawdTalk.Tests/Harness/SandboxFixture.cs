using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>One in-process sandbox per test class, with a distinctive key and gateway token for the secrets scanner.</summary>
    public class SandboxFixture : IAsyncLifetime
    {
        public string ApiKey { get; } = Keys.NewApiKey();
        public string GatewayToken { get; } = Keys.NewGatewayToken();
        public SandboxServer Server { get; private set; } = null!;
        public HttpClient Control { get; } = new();
        public string Url => Server.BaseUri.AbsoluteUri.TrimEnd('/');

        protected virtual double TimeScale => 600;

        public async Task InitializeAsync()
        {
            Server = await SandboxServer.StartAsync(new SandboxOptions { ApiKey = ApiKey, GatewayToken = GatewayToken, TimeScale = TimeScale });
            Control.BaseAddress = Server.BaseUri;
        }

        public async Task DisposeAsync()
        {
            Control.Dispose();
            await Server.DisposeAsync();
        }

        /// <summary>A session connected to this sandbox, scanning for both secrets.</summary>
        public PsSession Session()
        {
            var ps = new PsSession().Secret(ApiKey, GatewayToken);
            ps.Run("Connect-ClawdTalk -ApiKey $k -Server $u", new Dictionary<string, object?> { ["k"] = SecureStrings.From(ApiKey), ["u"] = Url }).Ok();
            return ps;
        }

        public JToken ControlPost(string path, object? body = null)
        {
            var content = new StringContent(body == null ? "{}" : JToken.FromObject(body).ToString(), Encoding.UTF8, "application/json");
            var r = Control.PostAsync(path.TrimStart('/'), content).GetAwaiter().GetResult();
            var text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(r.IsSuccessStatusCode, $"POST {path}: {(int)r.StatusCode} {text}");
            return string.IsNullOrWhiteSpace(text) ? new JObject() : JToken.Parse(text);
        }

        public JToken ControlGet(string path) => JToken.Parse(Control.GetStringAsync(path.TrimStart('/')).GetAwaiter().GetResult());

        /// <summary>Every /v1 request the sandbox received, in order (from /_sandbox/log).</summary>
        public List<JObject> Log()
        {
            var log = ControlGet("_sandbox/log");
            var items = log is JArray a ? a : (JArray?)(log["requests"] ?? log["log"] ?? log["data"]) ?? new JArray();
            return items.OfType<JObject>().ToList();
        }
    }
}
