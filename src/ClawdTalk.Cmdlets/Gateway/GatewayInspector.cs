using System.Net.Http;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Gateway
{
    /// <summary>
    /// Builds a <see cref="GatewayInfo"/>: the gateway's config file, the URL, token and agent the bridge would use (in
    /// the bridge's order of sources: ClawdTalk config, environment, the gateway's file, the default), the tool policy,
    /// the names from the workspace, and whether the gateway answers.
    /// </summary>
    internal static class GatewayInspector
    {
        public static readonly string[] UrlEnv = { "OPENCLAW_GATEWAY_URL", "CLAWDBOT_GATEWAY_URL" };
        public static readonly string[] TokenEnv = { "OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN" };
        public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

        static readonly Lazy<HttpClient> Http = new Lazy<HttpClient>(() =>
            new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan });

        /// <summary>
        /// Everything but the probe. <paramref name="file"/> is the loaded gateway config (null when none was found at
        /// <paramref name="configPath"/>); <paramref name="clawdConfig"/> the ClawdTalk configuration (null when unreadable).
        /// </summary>
        public static GatewayInfo Describe(string configPath, GatewayConfigFile? file, JObject? clawdConfig, string clawdConfigPath, List<string> problems)
        {
            var info = new GatewayInfo
            {
                ConfigPath = configPath,
                ConfigFound = file != null,
                Kind = GatewayConfigFile.KindOf(configPath),
                Port = file?.Port ?? GatewayConfigFile.DefaultPort,
            };
            var config = clawdConfig ?? new JObject();

            // URL: ClawdTalk config, environment, the gateway's port
            var configUrl = Json.Str(config, ConfigKeys.GatewayUrl);
            var envUrl = UrlEnv.Select(n => (n, v: Environment.GetEnvironmentVariable(n))).FirstOrDefault(x => !string.IsNullOrWhiteSpace(x.v));
            if (!string.IsNullOrWhiteSpace(configUrl) && !ConfigStore.IsReference(configUrl, out _))
            {
                info.Url = configUrl!.TrimEnd('/');
                info.UrlSource = $"config ({clawdConfigPath})";
            }
            else if (!string.IsNullOrWhiteSpace(configUrl) && ConfigStore.IsReference(configUrl, out var urlVar) && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(urlVar)))
            {
                info.Url = Environment.GetEnvironmentVariable(urlVar)!.TrimEnd('/');
                info.UrlSource = $"config ({clawdConfigPath}, via ${{{urlVar}}})";
            }
            else if (envUrl.v != null)
            {
                info.Url = envUrl.v.Trim().TrimEnd('/');
                info.UrlSource = $"environment ({envUrl.n})";
            }
            else
            {
                info.Url = $"http://127.0.0.1:{info.Port}";
                info.UrlSource = file != null ? $"gateway config ({configPath})" : "default";
            }

            // token: presence and source only
            var configToken = Json.Str(config, ConfigKeys.GatewayToken);
            var envToken = TokenEnv.FirstOrDefault(n => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(n)));
            var fileToken = file?.TokenRaw;
            if (!string.IsNullOrEmpty(configToken) && (!ConfigStore.IsReference(configToken, out var tokVar) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(tokVar))))
                info.TokenSource = $"config ({clawdConfigPath})";
            else if (envToken != null) info.TokenSource = $"environment ({envToken})";
            else if (!string.IsNullOrEmpty(fileToken) && !GatewayConfigFile.IsUnresolvedReference(fileToken!)) info.TokenSource = $"gateway config ({configPath}: gateway.auth.token)";
            info.TokenPresent = info.TokenSource != null;

            if (file == null)
                problems.Add($"No gateway config file found (looked at {string.Join(", ", GatewayConfigFile.Candidates())}). Install and set up OpenClaw (openclaw onboard), or give -Path.");
            else
            {
                info.GatewayToolsAllow = file.GatewayAllow.ToArray();
                info.SessionsSendAllowed = file.GatewayAllow.Contains(GatewayConfigFile.SessionsSend, StringComparer.Ordinal)
                                           && !file.GatewayDeny.Contains(GatewayConfigFile.SessionsSend, StringComparer.Ordinal);
                info.TopLevelToolsAllowHasSessionsSend = file.TopLevelAllow.Contains(GatewayConfigFile.SessionsSend, StringComparer.Ordinal);
                if (file.GatewayDeny.Contains(GatewayConfigFile.SessionsSend, StringComparer.Ordinal))
                    problems.Add($"gateway.tools.deny in {configPath} lists sessions_send, which blocks the bridge. Remove it from the deny list.");
                else if (!info.SessionsSendAllowed)
                    problems.Add($"sessions_send is not in gateway.tools.allow of {configPath}: calls and texts cannot reach the agent (the gateway answers 404). Run Grant-ClawdTalkGatewayTool.");
                if (info.TopLevelToolsAllowHasSessionsSend)
                    problems.Add($"The top-level tools.allow of {configPath} lists sessions_send, which limits the agent to the tools listed there. It belongs in gateway.tools.allow; remove it from tools.allow unless you meant to restrict the agent.");

                var (id, workspace) = file.MainAgent();
                info.MainAgentId = id;
                info.Workspace = workspace;
            }
            var configAgent = Json.Str(config, ConfigKeys.AgentId);
            if (!string.IsNullOrWhiteSpace(configAgent) && !ConfigStore.IsReference(configAgent, out _)) info.MainAgentId = configAgent!.Trim();
            info.SessionKey = $"agent:{info.MainAgentId}:main";
            if (info.Workspace == null)
                info.Workspace = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, "workspace");
            info.WorkspaceExists = Directory.Exists(info.Workspace);
            if (info.WorkspaceExists)
            {
                info.DetectedOwnerName = WorkspaceNames.Owner(info.Workspace, out var ownerSource);
                info.OwnerNameSource = ownerSource;
                info.DetectedAgentName = WorkspaceNames.Agent(info.Workspace, out var agentSource);
                info.AgentNameSource = agentSource;
            }
            if (!info.TokenPresent)
                problems.Add("No gateway token: the bridge needs gateway.auth.token in the gateway config, OPENCLAW_GATEWAY_TOKEN, or Set-ClawdTalkConfiguration -GatewayToken.");
            return info;
        }

        /// <summary>One unauthenticated GET of the gateway's root: any HTTP answer means it is up. No token is sent.</summary>
        public static async Task Probe(GatewayInfo info, List<string> problems, CancellationToken ct)
        {
            if (!Uri.TryCreate(info.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                info.Reachable = false;
                info.ProbeMessage = $"'{info.Url}' is not an http:// or https:// URL.";
                problems.Add($"The gateway URL '{info.Url}' ({info.UrlSource}) is not an http:// or https:// URL.");
                return;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(uri, "/"));
                using var response = await Http.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                info.Reachable = true;
                info.HttpStatus = (int)response.StatusCode;
                info.ProbeMessage = $"The gateway at {info.Url} answered (HTTP {(int)response.StatusCode}).";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                info.Reachable = false;
                info.ProbeMessage = $"No answer from {info.Url} within {ProbeTimeout.TotalSeconds:0} s.";
                problems.Add($"The gateway at {info.Url} does not answer: is it running (openclaw gateway status)?");
            }
            catch (HttpRequestException ex)
            {
                info.Reachable = false;
                info.ProbeMessage = $"{info.Url} cannot be reached: {(ex.InnerException ?? ex).Message}";
                problems.Add($"The gateway at {info.Url} does not answer: is it running (openclaw gateway status)?");
            }
        }
    }
}
