using System.Diagnostics;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Config;

namespace ClawdTalk.Commands.Configuration
{
    /// <summary>
    /// Really calls the service (one authenticated read, not retried) and tells apart: no key, rejected key, unreachable
    /// server, rate limited, timeout, server error, OK with latency.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "ClawdTalkConnection")]
    [OutputType(typeof(ConnectionTestResult), typeof(bool))]
    public sealed class TestClawdTalkConnectionCommand : ClawdTalkCmdlet
    {
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void Process()
        {
            var result = new ConnectionTestResult();
            ClawdTalkException? failure = null;
            try
            {
                var connection = ConnectionResolver.Resolve(Session);
                result.Server = connection.ApiBase.AbsoluteUri;
                result.KeySource = connection.KeySource;
                var api = Session.ClientFor(connection);
                var watch = Stopwatch.StartNew();
                Run(ct => new MissionsApi(api, LogVerbose).ProbeAsync(ct));
                result.LatencyMs = watch.Elapsed.TotalMilliseconds;
                result.Success = true;
                result.Status = ConnectionStatus.Ok;
                result.Message = $"Connected to {connection.ApiBase} in {result.LatencyMs:0} ms.";
            }
            catch (ClawdTalkException ex)
            {
                failure = ex;
                result.ErrorId = ex.ErrorId;
                result.Message = ex.Message;
                result.Status = ex.ErrorId switch
                {
                    ErrorIds.NoApiKey => ConnectionStatus.NoApiKey,
                    ErrorIds.ApiUnauthorized or ErrorIds.ApiForbidden => ConnectionStatus.Unauthorized,
                    ErrorIds.ServerUnreachable => ConnectionStatus.Unreachable,
                    ErrorIds.RateLimited => ConnectionStatus.RateLimited,
                    ErrorIds.RequestTimeout => ConnectionStatus.Timeout,
                    ErrorIds.InvalidServerResponse or ErrorIds.ResponseTooLarge => ConnectionStatus.InvalidResponse,
                    ErrorIds.InsecureServer => ConnectionStatus.InsecureServer,
                    ErrorIds.ConfigInvalid or ErrorIds.ConfigUnreadable or ErrorIds.ConfigReferenceUnset or ErrorIds.InvalidServerUrl => ConnectionStatus.ConfigurationError,
                    _ => ConnectionStatus.ServerError,
                };
            }
            if (Quiet)
            {
                WriteObject(result.Success);
                return;
            }
            WriteObject(result);
            if (failure != null)
            {
                failure.Terminating = false;
                WriteError(failure);
            }
        }
    }
}
