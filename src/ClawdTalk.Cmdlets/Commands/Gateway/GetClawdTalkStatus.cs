using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Commands.Polling;
using ClawdTalk.Config;
using ClawdTalk.Pollers;
using ClawdTalk.Session;
using ClawdTalk.State;

namespace ClawdTalk.Commands.Gateway
{
    /// <summary>
    /// The whole setup in one object (the published status.sh): the configuration (key masked), whether the service
    /// accepts the key, the voice bridge, the agent gateway, and the pollers with the missions they serve. Every part
    /// is reported even when another fails; what needs doing is listed in Problems.
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
                problems.AddRange(gatewayProblems.Where(p => !p.StartsWith("The ClawdTalk configuration", StringComparison.Ordinal)));
            }
            catch (ClawdTalkException ex)
            {
                report.GatewayState = "Invalid";
                problems.Add(ex.Message);
            }

            // pollers
            var scheduler = PollerSchedulers.ForPlatform();
            report.PollerBackend = scheduler.Name + (scheduler.Available ? "" : " (not installed)");
            if (scheduler.Available)
            {
                try
                {
                    var store = PollerSupport.TryReadStore(MissionStateStore.Default);
                    report.Pollers = scheduler.List().Select(e => PollerSupport.ToInfo(e, store)).ToArray();
                    report.PollerCount = report.Pollers.Length;
                    foreach (var p in report.Pollers.Where(p => p.Orphaned))
                        problems.Add($"The poller of '{p.Slug}' outlived its mission ({p.MissionStatus}): its next tick removes it, or run Unregister-ClawdTalkPoller {p.Slug}.");
                }
                catch (ClawdTalkException ex) { problems.Add("The pollers could not be listed: " + ex.Message); }
            }
            report.Problems = problems.Distinct().ToArray();
            WriteObject(report);
        }
    }
}
