using System.Diagnostics;
using ClawdTalk.Config;

namespace ClawdTalk.Commands.Configuration
{
    /// <summary>
    /// Really calls the service (one authenticated read, not retried) and tells apart: no key, rejected key, unreachable
    /// server, rate limited, timeout, server error, OK with latency. The result is the answer, success or not: a failure is
    /// reported once, in the object (Status, ErrorId, Message, RecommendedAction), not again as an error.
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
                result.ErrorId = ex.ErrorId;
                result.Message = ex.Message;
                result.RecommendedAction = ex.RecommendedAction ?? Advice(ex.ErrorId);
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
        }

        static string? Advice(string errorId) => errorId switch
        {
            ErrorIds.ServerUnreachable => "Check the server (Get-ClawdTalkConfiguration; -Server of Connect-ClawdTalk, CLAWDTALK_API_URL or `server` in the configuration file) and this machine's network.",
            ErrorIds.RequestTimeout => "The service did not answer in time: try again, or give Connect-ClawdTalk a longer -TimeoutSec.",
            ErrorIds.InsecureServer => "Use an https:// server, or Connect-ClawdTalk -AllowInsecure for a local test server.",
            ErrorIds.ConfigInvalid or ErrorIds.ConfigUnreadable => "Fix or remove the configuration file (Get-ClawdTalkConfiguration shows its path), or set the key with Connect-ClawdTalk.",
            ErrorIds.ConfigReferenceUnset => "Set the environment variable the configuration file refers to, or set the key with Connect-ClawdTalk.",
            ErrorIds.InvalidServerResponse or ErrorIds.ResponseTooLarge => "The server did not answer as the ClawdTalk service does: check the server address.",
            _ => null,
        };
    }
}
