using System.Diagnostics;
using ClawdTalk.Commands.Pollers;
using ClawdTalk.Config;
using ClawdTalk.Pollers;
using ClawdTalk.Session;

namespace ClawdTalk.Commands.Gateway
{
    /// <summary>
    /// The whole setup in one object (the published status.sh): the configuration (key masked), whether the service
    /// accepts the key, the voice bridge, the agent gateway, and the pollers with the missions they serve. Every part
    /// is reported even when another fails. Health follows what is used (Uses): calls, texts and missions need only the
    /// service, so an account that uses nothing else is healthy without a gateway; what needs doing for what is used is
    /// listed in Problems, and what the rest would need in NotSetUp.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkStatus")]
    [OutputType(typeof(StatusReport))]
    public sealed class GetClawdTalkStatusCommand : ClawdTalkCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? GatewayPath { get; set; }

        [Parameter]
        public SwitchParameter Offline { get; set; }

        protected override void Process()
        {
            var problems = new List<string>();
            var report = new StatusReport { ConfigPath = ModulePaths.ConfigFile };
            report.ConfigExists = File.Exists(report.ConfigPath);

            // configuration and key
            var config = GatewayCommandSupport.ClawdConfig(report.ConfigPath, problems);
            report.OwnerName = Json.Str(config, ConfigKeys.OwnerName);
            report.AgentName = Json.Str(config, ConfigKeys.AgentName);
            ClawdTalkConnection? connection = null;
            try
            {
                connection = ConnectionResolver.Resolve(Session);
                report.Server = connection.ApiBase.AbsoluteUri;
                report.ApiKey = connection.MaskedKey;
                report.KeySource = connection.KeySource;
            }
            catch (ClawdTalkException ex)
            {
                report.Connection = ex.ErrorId == ErrorIds.NoApiKey ? "NoApiKey" : "ConfigurationError";
                report.ConnectionMessage = ex.Message;
                problems.Add(ex.Message);
            }
            if (connection != null)
            {
                if (Offline) report.Connection = "NotTested";
                else
                {
                    var api = Session.ClientFor(connection);
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        Run(ct => new MissionsApi(api, LogVerbose).ProbeAsync(ct));
                        report.LatencyMs = watch.Elapsed.TotalMilliseconds;
                        report.Connection = "Ok";
                        report.ConnectionMessage = $"The service accepted the key ({report.LatencyMs:0} ms).";
                    }
                    catch (ClawdTalkException ex)
                    {
                        report.Connection = ex.ErrorId switch
                        {
                            ErrorIds.ApiUnauthorized or ErrorIds.ApiForbidden => "Unauthorized",
                            ErrorIds.ServerUnreachable => "Unreachable",
                            ErrorIds.RateLimited => "RateLimited",
                            ErrorIds.RequestTimeout => "Timeout",
                            _ => "ServerError",
                        };
                        report.ConnectionMessage = ex.Message;
                        problems.Add("The service: " + ex.Message);
                    }
                }
            }

            // the voice bridge
            var bridge = BridgeStatusSources.Describe(Session);
            report.BridgeState = bridge.State;
            report.BridgeDetail = bridge.Detail;
            report.BridgeLog = bridge.LogTail;
            report.Bridges = bridge.Running;
            foreach (var b in bridge.Running.Where(b => b.GatewayState != GatewayState.Ready && b.GatewayState != GatewayState.Unknown))
                problems.Add($"The bridge '{b.Name}' ({b.Mode}, process {b.ProcessId}) cannot use its agent gateway at {b.GatewayUrl?.AbsoluteUri} ({b.GatewayState})" +
                             (b.GatewayProblem != null ? ": " + b.GatewayProblem : "."));

            // what is used: calls, texts and missions need only the service; the agent gateway is needed by a bridge (inbound
            // calls and texts) and by pollers that notify the agent. What is not used is not a problem: it is listed as not set up.
            var store = PollerSupport.TryReadStore(MissionStateStore.Default);
            var missions = store?.Properties().Select(p => p.Value).OfType<Newtonsoft.Json.Linq.JObject>().ToList() ?? new List<Newtonsoft.Json.Linq.JObject>();
            var noticesUsed = missions.Any(e => (Json.Str(e, StateKeys.Status) ?? "active") == "active" && AgentNotice.Wanted(e));
            var bridgeUsed = report.Bridges.Length > 0 || (config != null && (config[ConfigKeys.GatewayUrl] != null || config[ConfigKeys.GatewayToken] != null));
            var gatewayUsed = bridgeUsed || noticesUsed || GatewayPath != null;
            var uses = new List<string>();
            if (connection != null) uses.Add("calls and texts");
            if (missions.Count > 0) uses.Add("missions");
            if (bridgeUsed) uses.Add("inbound calls and texts (bridge)");
            if (noticesUsed) uses.Add("notices to the agent (pollers)");
            report.Uses = uses.ToArray();
            var notSetUp = new List<string>();

            // the agent gateway
            try
            {
                var path = GatewayCommandSupport.ConfigPath(this, GatewayPath);
                var gatewayProblems = new List<string>();
                var info = GatewayCommandSupport.Inspect(this, path, mustExist: GatewayPath != null, offline: Offline, gatewayProblems);
                report.Gateway = info;
                report.GatewayState = !info.ConfigFound && info.Reachable != true ? "NotConfigured"
                    : info.Reachable == false ? "Unreachable"
                    : !info.TokenPresent ? "NoToken"
                    : !info.SessionsSendAllowed && info.ConfigFound ? "ToolNotAllowed"
                    : "Ready";
                var own = gatewayProblems.Where(p => !p.StartsWith("The ClawdTalk configuration", StringComparison.Ordinal)).ToList();
                if (gatewayUsed) problems.AddRange(own);
                else if (own.Count > 0)
                    notSetUp.Add("Inbound calls and texts (Start-ClawdTalkBridge -Detached) and notices to the agent (Register-ClawdTalkPoller -NotifyAgent) need the OpenClaw gateway: "
                                 + string.Join(" ", own));
                else if (report.Bridges.Length == 0)
                    notSetUp.Add("Inbound calls and texts: no bridge runs (the gateway is ready: Start-ClawdTalkBridge -Detached starts one).");
            }
            catch (ClawdTalkException ex)
            {
                report.GatewayState = "Invalid";
                if (gatewayUsed) problems.Add(ex.Message);
                else notSetUp.Add("The OpenClaw gateway (for inbound calls and texts, and notices to the agent): " + ex.Message);
            }

            // pollers
            var scheduler = PollerSchedulers.ForPlatform();
            report.PollerBackend = scheduler.Name + (scheduler.Available ? "" : " (not installed)");
            if (scheduler.Available)
            {
                try
                {
                    report.Pollers = scheduler.List().Select(e => PollerSupport.ToInfo(e, store)).ToArray();
                    report.PollerCount = report.Pollers.Length;
                    if (report.PollerCount > 0 && scheduler.Runs == false)
                        problems.Add($"{report.PollerCount} poller(s) are registered with {scheduler.Name}, but no {scheduler.Name} daemon runs on this machine: they never tick. " +
                                     "Start it (e.g. sudo service cron start), or run Invoke-ClawdTalkPoll -Slug <slug> yourself when you look.");
                    foreach (var p in report.Pollers.Where(p => p.Orphaned))
                        problems.Add($"The poller of '{p.Slug}' outlived its mission ({p.MissionStatus}): its next tick removes it, or run Unregister-ClawdTalkPoller {p.Slug}.");
                }
                catch (ClawdTalkException ex) { problems.Add("The pollers could not be listed: " + ex.Message); }
            }
            report.Problems = problems.Distinct().ToArray();
            report.NotSetUp = notSetUp.ToArray();
            WriteObject(report);
        }
    }
}
