using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>Connect-ClawdTalk and Test-ClawdTalkConnection against a scripted loopback server.</summary>
    public class ConnectionTests
    {
        static Dictionary<string, object?> Vars(string key, string url) => new() { ["key"] = SecureStrings.From(key), ["url"] = url };
        const string Connect = "Connect-ClawdTalk -ApiKey $key -Server $url";

        [Fact]
        public void Test_reports_ok_with_latency_and_sends_the_key_as_bearer()
        {
            using var server = new ScriptedServer();
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            var r = ps.Run($"{Connect}; Test-ClawdTalkConnection -Verbose", Vars(key, server.Url)).Ok();
            var result = r.Single<ConnectionTestResult>();
            Assert.True(result.Success);
            Assert.Equal(ConnectionStatus.Ok, result.Status);
            Assert.True(result.LatencyMs > 0);
            var request = Assert.Single(server.Requests);
            Assert.Equal("GET", request.Method);
            Assert.StartsWith("/v1/missions?page", request.Path);
            Assert.Equal("Bearer " + key, request.Headers["Authorization"]);
            Assert.Contains(r.Verbose, v => v.Contains("GET /missions") && v.Contains("-> 200"));
        }

        [Theory]
        [InlineData(401, "ApiUnauthorized", ConnectionStatus.Unauthorized, ErrorCategory.PermissionDenied)]
        [InlineData(429, "RateLimited", ConnectionStatus.RateLimited, ErrorCategory.ResourceUnavailable)]
        [InlineData(503, "ServerError", ConnectionStatus.ServerError, ErrorCategory.ResourceUnavailable)]
        public void Test_tells_failure_kinds_apart(int status, string errorId, ConnectionStatus expected, ErrorCategory category)
        {
            using var server = new ScriptedServer().Then(new ScriptedServer.Reply(status, "{\"error\":{\"code\":\"x\",\"message\":\"told by server\"}}",
                new Dictionary<string, string> { ["Retry-After"] = "1" }));
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            var r = ps.Run($"{Connect}; Test-ClawdTalkConnection", Vars(key, server.Url));
            var result = r.Objects<ConnectionTestResult>().Single();
            Assert.False(result.Success);
            Assert.Equal(expected, result.Status);
            // the failure is reported once: in the result, not again as an error
            Assert.Empty(r.Errors);
            Assert.Equal(errorId, result.ErrorId);
            Assert.Contains("told by server", result.Message);
            Assert.Single(server.Requests); // a test is never retried: it reports what it saw
            _ = category;
        }

        [Fact]
        public void Test_reports_an_unreachable_server()
        {
            var server = new ScriptedServer();
            var url = server.Url;
            server.Dispose();
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            var r = ps.Run($"{Connect}; Test-ClawdTalkConnection", Vars(key, url));
            var result = r.Objects<ConnectionTestResult>().Single();
            Assert.Equal(ConnectionStatus.Unreachable, result.Status);
            Assert.Equal("ServerUnreachable", result.ErrorId);
            Assert.Contains("Get-ClawdTalkConfiguration", result.RecommendedAction);
            Assert.Empty(r.Errors);
        }

        [Fact]
        public void Test_reports_a_timeout_when_the_server_hangs()
        {
            using var server = new ScriptedServer().Then(new ScriptedServer.Reply(0, Hang: true));
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            var r = ps.Run($"{Connect} -TimeoutSec 1; Test-ClawdTalkConnection -Quiet", Vars(key, server.Url));
            Assert.False((bool)r.Output.Single().BaseObject);
            Assert.Empty(r.Errors); // -Quiet answers only true or false
        }

        [Fact]
        public void Ctrl_C_ends_a_hung_request_promptly()
        {
            using var server = new ScriptedServer().Then(new ScriptedServer.Reply(0, Hang: true));
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            // pressed once the request reached the server that holds it
            var r = ps.RunAndStop($"{Connect} -TimeoutSec 300; Test-ClawdTalkConnection", () => server.Requests.Count > 0, TimeSpan.FromSeconds(30), Vars(key, server.Url));
            Assert.NotNull(r.StopDuration);
            Assert.True(r.StopDuration < TimeSpan.FromSeconds(5), $"Stop took {r.StopDuration}");
            Assert.Single(server.Requests);
        }

        [Theory]
        [InlineData("http://example.com", "InsecureServer", ErrorCategory.SecurityError)]
        [InlineData("ftp://example.com", "InvalidServerUrl", ErrorCategory.InvalidArgument)]
        [InlineData("not a url", "InvalidServerUrl", ErrorCategory.InvalidArgument)]
        public void Connect_refuses_bad_and_insecure_servers(string url, string errorId, ErrorCategory category)
        {
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            var r = ps.Run(Connect, Vars(key, url));
            r.Error(errorId, category);
        }

        [Fact]
        public void Connect_allows_insecure_only_when_asked_and_loopback_always()
        {
            var key = Keys.NewApiKey();
            using var ps = new PsSession().Secret(key);
            var r = ps.Run($"{Connect} -AllowInsecure -PassThru", Vars(key, "http://example.com")).Ok();
            var info = r.Single<ConnectionInfo>();
            Assert.Equal("http://example.com/v1/", info.ApiBase.AbsoluteUri);
            Assert.Equal(key[..6] + "…" + key[^4..], info.ApiKey);
            ps.Run($"{Connect}", Vars(key, "http://[::1]:9")).Ok();
            ps.Run($"{Connect}", Vars(key, "http://localhost:9/v1")).Ok();
        }

        [Fact]
        public void Connect_rejects_an_empty_key()
        {
            using var ps = new PsSession();
            var r = ps.Run("Connect-ClawdTalk -ApiKey ([System.Security.SecureString]::new()) -Server http://127.0.0.1:9");
            r.Error("InvalidApiKey", ErrorCategory.InvalidArgument);
        }
    }
}
