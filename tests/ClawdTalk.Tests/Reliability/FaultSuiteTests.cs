using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Reliability
{
    /// <summary>The sandbox's fault switch against the module's timeouts and Ctrl+C.</summary>
    public class FaultSuiteTests : IClassFixture<SandboxFixture>
    {
        readonly SandboxFixture _fx;
        public FaultSuiteTests(SandboxFixture fx) { _fx = fx; }

        [Fact]
        public void A_server_that_stalls_forever_is_cut_off_by_the_timeouts()
        {
            _fx.Control("_sandbox/reset");
            using var ps = _fx.Session();
            ps.Run("Connect-ClawdTalk -ApiKey $k -Server $u -TimeoutSec 1 -MaxRetryCount 1",
                new Dictionary<string, object?> { ["k"] = SecureStrings.From(_fx.Key), ["u"] = _fx.Url }).Ok();
            _fx.Control("_sandbox/faults", new { rate = 1.0, faults = new[] { "stall" }, stall_seconds = 3600 });
            try
            {
                // a read: each attempt is cut at 1 s, retried once, then reported
                var read = ps.Run("Get-ClawdTalkMission -MissionId mis_000001");
                read.Error("RequestTimeout", ErrorCategory.OperationTimeout);
                // a create: cut off, never blindly resent, and said to be of unknown outcome
                var create = ps.Run("New-ClawdTalkMission -Name 'Stalled' -Instructions 'i'");
                create.Error("RequestOutcomeUnknown", ErrorCategory.OperationTimeout);
                var posts = _fx.Log().Count(e => (string?)e["method"] == "POST" && ((string?)e["path"] ?? "").EndsWith("/missions", StringComparison.Ordinal));
                Assert.Equal(1, posts);
            }
            finally
            {
                _fx.Control("_sandbox/faults", new { rate = 0.0 });
            }
        }

        [Fact]
        public void Ctrl_C_during_a_stalled_request_ends_it_at_once_and_leaves_the_session_usable()
        {
            _fx.Control("_sandbox/reset");
            using var ps = _fx.Session();
            _fx.Control("_sandbox/faults", new { rate = 1.0, faults = new[] { "stall" }, stall_seconds = 3600 });
            PsResult r;
            var mark = _fx.Mark();
            // pressed once the sandbox holds the request (its log shows the stall)
            try { r = ps.RunAndStop("Get-ClawdTalkMission -MissionId mis_000001", () => _fx.Log(mark).Any(e => (string?)e["fault"] == "stall"), TimeSpan.FromSeconds(30)); }
            finally { _fx.Control("_sandbox/faults", new { rate = 0.0 }); }
            Assert.NotNull(r.StopDuration);
            Assert.True(r.StopDuration < TimeSpan.FromSeconds(5), $"Stop took {r.StopDuration}");
            ps.Run("Test-ClawdTalkConnection").Ok();
        }
    }
}
