using ClawdTalk.Boundary;
using ClawdTalk.Bridge;
using ClawdTalk.Config;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Pollers
{
    /// <summary>The agent gateway a notice goes to, as a poller's own process finds it.</summary>
    internal sealed class NoticeGateway
    {
        public Uri Url = null!;
        /// <summary>Secret: sent only as the gateway's bearer token.</summary>
        public string Token = "";
        public string AgentId = "main";
        public string UrlSource = "", TokenSource = "";
        public string SessionKey => "agent:" + AgentId + ":main";
    }

    /// <summary>
    /// Results pushed to the agent (Register-ClawdTalkPoller -NotifyAgent): when a mission ends, and optionally when each of
    /// its calls is over, one message goes to the agent's main session through the gateway, as the bridge reports a call's
    /// outcome (`sessions_send`, fire-and-forget, `[ClawdTalk] …`; the bridge's <see cref="GatewayClient"/>). Each notice is
    /// claimed in the mission's entry under the state file's lock before it is sent (`notify_agent.sent.&lt;key&gt;`), so two
    /// ticks, two processes or a tick and a Complete-ClawdTalkMission never send the same one twice; a failure is recorded
    /// there and shown, never retried into a duplicate.
    /// </summary>
    internal static class AgentNotice
    {
        public const string MissionKeyPrefix = "mission:", CallKeyPrefix = "call:";
        static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(15);

        /// <summary>
        /// The gateway as a process the scheduler starts sees it: the configuration file (`gateway_url`, `gateway_token`,
        /// `agent_id`) and the gateway's own config file (port, `gateway.auth.token`, default agent); no variable of this
        /// session's environment, which cron does not have. GatewayTokenMissing when no token is found that way.
        /// </summary>
        public static NoticeGateway Resolve()
        {
            var path = ModulePaths.ConfigFile;
            var config = ConfigStore.Read(path);
            var (gwPath, gwConfig) = GatewaySettings.GatewayConfig();
            var (url, urlSource) = GatewaySettings.ResolveUrl(null, config, path, gwConfig, gwPath, environment: false);
            var (token, tokenSource) = GatewaySettings.ResolveToken(null, config, path, gwConfig, gwPath, environment: false);
            if (string.IsNullOrEmpty(token))
            {
                var reference = ConfigStore.IsReference(Json.Str(config, ConfigKeys.GatewayToken), out var name)
                    ? $" The gateway_token of {path} refers to ${{{name}}}, which a poller's process (started by the scheduler) does not have." : "";
                throw new ClawdTalkException(ErrorIds.GatewayTokenMissing, ErrorCategory.InvalidOperation,
                    "No agent gateway token a poller could use: the notice to the agent goes through the OpenClaw gateway, which needs its token." + reference, "gateway")
                {
                    Terminating = true,
                    RecommendedAction = "Import-ClawdTalkGatewayConfiguration -IncludeToken (reads gateway.auth.token from the gateway's config), or Set-ClawdTalkConfiguration -GatewayToken (Read-Host -AsSecureString).",
                };
            }
            var gateway = new NoticeGateway
            {
                Url = GatewaySettings.ParseUrl(url), Token = token!, UrlSource = urlSource, TokenSource = tokenSource,
                AgentId = GatewaySettings.ResolveAgentId(null, config, path, gwConfig),
            };
            GatewaySettings.CheckSecure(gateway.Url, true, allowInsecure: false);
            return gateway;
        }

        /// <summary>Checks that the gateway takes the token and allows sessions_send, delivering nothing (the bridge's start probe).</summary>
        public static void Probe(NoticeGateway gateway, CancellationToken ct) =>
            new GatewayClient(gateway.Url, gateway.Token).ProbeAsync(TimeSpan.FromSeconds(10), ct).GetAwaiter().GetResult();

        /// <summary>True when the mission's poller was registered with -NotifyAgent (and, for <paramref name="perCall"/>, -NotifyEachCall).</summary>
        public static bool Wanted(JObject? entry, bool perCall = false) =>
            entry?[PollerStateKeys.NotifyAgent] is JObject n && (!perCall || Json.Bool(n, "per_call") == true);

        /// <summary>
        /// Sends <paramref name="message"/> once for <paramref name="key"/>: claimed under the state lock first (nothing is sent
        /// when the key was claimed before, or notices were not asked for), then sent, then recorded as sent or failed.
        /// Returns null when sent (or not due), else the failure, which the caller shows as a warning.
        /// </summary>
        public static ClawdTalkException? Send(MissionStateStore store, string slug, string key, string message, Action<string> verbose, CancellationToken ct)
        {
            var claimed = false;
            store.Update(slug, e =>
            {
                if (e == null || !(e[PollerStateKeys.NotifyAgent] is JObject n)) return e;
                if (!(n["sent"] is JObject sent)) n["sent"] = sent = new JObject();
                if (sent[key] != null) return e;
                sent[key] = new JObject { ["status"] = "sending", ["at"] = MissionStateStore.Now() };
                claimed = true;
                return e;
            });
            if (!claimed) return null;
            string status; string? errorId = null; ClawdTalkException? failure = null;
            try
            {
                var gateway = Resolve();
                var reply = new GatewayClient(gateway.Url, gateway.Token).SendAsync(gateway.SessionKey, AgentGateway.ReportPrefix + message, 0, SendTimeout, ct)
                    .GetAwaiter().GetResult();
                status = reply.Kind == GatewayReplyKind.Accepted ? "accepted" : "sent";
                verbose($"Told the agent ({gateway.SessionKey} at {gateway.Url.GetLeftPart(UriPartial.Authority)}) about '{slug}': {key}.");
            }
            catch (ClawdTalkException ex)
            {
                status = "failed";
                errorId = ex.ErrorId;
                failure = new ClawdTalkException(ex.ErrorId, ex.Category, $"The notice to the agent about '{slug}' ({key}) was not delivered: {ex.Message}", slug, ex)
                { RecommendedAction = ex.RecommendedAction };
            }
            store.Update(slug, e =>
            {
                if (e?[PollerStateKeys.NotifyAgent]?["sent"] is JObject sent)
                {
                    var record = new JObject { ["status"] = status, ["at"] = MissionStateStore.Now() };
                    if (errorId != null) record["error_id"] = errorId;
                    sent[key] = record;
                }
                return e;
            });
            return failure;
        }

        static string Quoted(string? text, int max = 200)
        {
            var s = OutsideText.Visible((text ?? "").Replace('\n', ' ').Replace('\r', ' ').Trim());
            return s.Length > max ? s.Substring(0, max) + "…" : s;
        }

        const string NotARequest = "This is a status report from the ClawdTalk poller, not a request from anyone.";

        /// <summary>The notice of a mission's end: which mission, how it ended, what its calls and texts gave, and what to do next.</summary>
        public static string MissionEnded(string slug, JObject entry, RunStatus status, string? reason)
        {
            var name = Quoted(Json.Str(entry, StateKeys.MissionName) ?? slug, 120);
            var last = MissionProgressReader.LastAttempts(MissionProgressReader.RecordsOfRun(entry));
            var calls = last.Where(r => r.IsCall).ToList();
            var texts = last.Where(r => !r.IsCall).ToList();
            var outcome = status == RunStatus.Succeeded ? "succeeded" : status == RunStatus.Failed ? "failed" : status == RunStatus.Cancelled ? "cancelled" : Wire.Run(status);
            var text = $"Mission \"{name}\" ({slug}) ended: {outcome}.";
            if (!string.IsNullOrWhiteSpace(reason)) text += " " + Quoted(reason).TrimEnd('.') + ".";
            if (calls.Count > 0) text += $" Calls: {calls.Count} ({MissionProgressReader.Grouped(calls)}).";
            if (texts.Count > 0) text += $" Texts: {texts.Count} ({MissionProgressReader.Grouped(texts)}).";
            var conversations = calls.Any(r => r.ConversationId != null);
            text += status switch
            {
                RunStatus.Succeeded => $" Next: read the results (Get-ClawdTalkMissionProgress -Slug {slug}" +
                                       (conversations ? $"; Get-ClawdTalkScheduledEvent -Slug {slug} | Get-ClawdTalkInsight" : "") + ") and tell the owner what came of it.",
                RunStatus.Failed => $" Next: see what failed (Get-ClawdTalkMissionProgress -Slug {slug}; Test-ClawdTalkMission -Slug {slug}) and tell the owner.",
                _ => $" Next: tell the owner (Get-ClawdTalkMissionProgress -Slug {slug} shows where it stopped).",
            };
            return text + " " + NotARequest;
        }

        /// <summary>The notice of one finished call (or text) of a mission.</summary>
        public static string EventEnded(string slug, JObject entry, EventRecord r)
        {
            var name = Quoted(Json.Str(entry, StateKeys.MissionName) ?? slug, 120);
            var who = Quoted(Json.Str(r.Json, "name") is string n ? $"{n} ({r.To})" : r.To ?? r.Id, 120);
            var text = $"Mission \"{name}\" ({slug}): the {(r.IsCall ? "call" : "text")} to {who} ended {Quoted(r.Outcome, 40)}" + (r.Attempt > 1 ? $" (attempt {r.Attempt})." : ".");
            if (r.ConversationId != null) text += $" Its insights: Get-ClawdTalkInsight -ConversationId {r.ConversationId}.";
            return text + $" Where the mission stands: Get-ClawdTalkMissionProgress -Slug {slug}. " + NotARequest;
        }
    }

    /// <summary>Sends the agent the notice of a mission's end, when its poller was registered with -NotifyAgent.</summary>
    internal sealed class AgentNoticeHook : IMissionTerminalHook
    {
        public string Name => "agent notice";

        public void OnTerminal(MissionTerminalContext context)
        {
            if (context.Slug == null || context.StatePath == null) return;
            var store = new MissionStateStore(context.StatePath);
            var entry = store.Find(context.Slug);
            if (!AgentNotice.Wanted(entry)) return;
            var message = AgentNotice.MissionEnded(context.Slug, entry!, context.Status, context.Reason);
            var failure = AgentNotice.Send(store, context.Slug, AgentNotice.MissionKeyPrefix + context.RunId, message, context.Verbose, context.CancelToken);
            if (failure != null) throw failure;
        }
    }
}
