using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// The bridge tests' sandbox: the harness (service + simulated agent gateway) plus what the bridge tests share: a
    /// script that starts a bridge with short timings, the sandbox's view of the WebSocket and the gateway, inbound calls
    /// with tool requests, and waits for them.
    /// </summary>
    public class BridgeSandbox : SandboxHarness
    {
        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            ForgetLock(Key);
        }

        /// <summary>Removes the (released) one-bridge lock file a test key left under the module's folder.</summary>
        public static void ForgetLock(string key)
        {
            var path = System.IO.Path.Combine(ClawdTalk.Bridge.BridgeLock.Directory, ClawdTalk.Bridge.BridgeLock.KeyHash(key) + ".lock");
            try { System.IO.File.Delete(path); } catch (System.IO.IOException) { }
        }

        /// <summary>True while a bridge of this key holds its one-bridge lock (its connection loop runs).</summary>
        public static bool LockHeld(string key) => ClawdTalk.Bridge.BridgeFiles.IsHeld(ClawdTalk.Bridge.BridgeLock.KeyHash(key));

        static readonly (string Name, string Value)[] ShortTimings =
        {
            ("ReconnectDelay", "00:00:00.050"), ("MaxReconnectDelay", "00:00:00.400"), ("StablePeriod", "00:00:05"), ("KeepAliveInterval", "00:00:05"),
        };

        /// <summary>The number the sandbox's inbound calls come from by default: the bridge tests make it the owner's.</summary>
        public const string OwnerCaller = "+12125550142";

        /// <summary>
        /// Connect-ClawdTalk and Start-ClawdTalkBridge with short timings (each overridable through <paramref name="extra"/>),
        /// and <see cref="OwnerCaller"/> as the owner's number unless <paramref name="extra"/> gives the owner's numbers;
        /// `$job` holds the job.
        /// </summary>
        public static string Start(string extra = "", string name = "t")
        {
            var timings = string.Join(" ", ShortTimings.Where(t => !extra.Contains("-" + t.Name + " ", StringComparison.Ordinal)).Select(t => $"-{t.Name} {t.Value}"));
            var owner = extra.Contains("-OwnerNumber", StringComparison.Ordinal) || extra.Contains("-AllowedSmsSender", StringComparison.Ordinal) ? "" : $"-OwnerNumber '{OwnerCaller}' ";
            return "Connect-ClawdTalk -ApiKey $key -Server $url; " +
                   $"$job = Start-ClawdTalkBridge -Name {name} -GatewayUrl $gw -GatewayToken $gwt -AgentId tester -OwnerName Ada -AgentName Clawd {owner}{timings} {extra}; $job";
        }

        /// <summary>Pending approvals' ids.</summary>
        public List<string> PendingApprovals() =>
            ((JArray)Api("approvals?status=pending")).Select(a => (string)a["request_id"]!).ToList();

        /// <summary>The SMS replies the bridge sent (POST /v1/messages/send bodies).</summary>
        public List<JObject> SentSms() => Log()
            .Where(r => (string?)r["method"] == "POST" && (string?)r["path"] == "/v1/messages/send" && r["body"] is { Type: not JTokenType.Null })
            .Select(r => JObject.Parse((string)r["body"]!)).ToList();

        /// <summary>Gateway messages (the `message` the bridge sent to sessions_send); the start probe, which carries none, is left out.</summary>
        public List<JObject> GatewayCalls() => GatewayLog().OfType<JObject>().Where(c => c["message"] is { Type: JTokenType.String }).ToList();

        /// <summary>The bridge's gateway probes (sessions_send without a message: nothing reaches the agent).</summary>
        public List<JObject> GatewayProbes() => GatewayLog().OfType<JObject>().Where(c => c["message"] is null or { Type: JTokenType.Null }).ToList();

        public JArray GatewayLog() => (JArray)ControlGet("gateway/log")["calls"]!;
        public JArray Frames() => (JArray)ControlGet("ws/frames")["frames"]!;
        public JObject Request(string id) => ControlGet("requests/" + id);
        public JObject WsStatus() => ControlGet("ws");

        /// <summary>Client frames of one type (api_key redacted by the sandbox).</summary>
        public List<JObject> ClientFrames(string type) => Frames().Select(f => (JObject)f["frame"]!)
            .Where(f => (string?)f["type"] == type).ToList();

        public void WaitAuthenticated(int authCount = 1) =>
            WaitUntil(() => (bool)WsStatus()["connected"]! && (int)WsStatus()["auth_count"]! >= authCount, $"bridge authenticated ({authCount})");

        public JObject WaitAnswered(string requestId, double seconds = 15)
        {
            JObject? r = null;
            WaitUntil(() => (bool)(r = Request(requestId))["answered"]!, "request " + requestId + " answered", seconds);
            return r!;
        }

        /// <summary>An inbound call with a deep tool request; returns (call id, request id).</summary>
        public (string CallId, string RequestId) Ask(string query, bool started = false)
        {
            var r = Control("calls/inbound", new { query, started, hang_up_after = false }); // ended by the test, not by the caller
            Assert.True((bool)r["delivered"]!, "the sandbox had no bridge to deliver to");
            return ((string)r["call_id"]!, (string)r["request_id"]!);
        }

        /// <summary>The same, without blocking a thread (for many at once).</summary>
        public async Task<(string CallId, string RequestId)> AskAsync(string query)
        {
            var r = await ControlAsync("calls/inbound", new { query, hang_up_after = false });
            Assert.True((bool)r["delivered"]!, "the sandbox had no bridge to deliver to");
            return ((string)r["call_id"]!, (string)r["request_id"]!);
        }

        /// <summary>Resets the sandbox between tests (state, frames, gateway mode) with one working device.</summary>
        public override void Reset()
        {
            base.Reset();
            Control("devices", new { count = 1, failed = 0 });
        }
    }
}
