using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// Waits that notice: a sandbox of the test's own is stopped in the middle of a wait; the wait warns at once and ends
    /// with a terminating error carrying the last ErrorId once its grace period has passed. The time scale comes from the
    /// sandbox's answers (no parameter, no variable).
    /// </summary>
    public sealed class UnreachableWaitTests
    {
        [Fact]
        public async Task A_sandbox_stopped_mid_wait_ends_Wait_ClawdTalkEvent_with_the_last_ErrorId_after_its_grace_period()
        {
            var sandbox = await SandboxHarness.StartAsync();
            var stopped = false;
            try
            {
                using var ps = sandbox.Session("-MaxRetryCount 0");
                var vars = sandbox.Vars(("name", "Unreachable " + Guid.NewGuid().ToString("N")[..8]));
                ps.Run("$script:m = Initialize-ClawdTalkMission -Name $name -Instructions 'x' -Request 'x' | Add-ClawdTalkAgent -Instructions 'Be brief.'; " +
                       "$script:events = '+1 303 555 9701' | Register-ClawdTalkCall -Slug $m.Slug -At ([datetime]::UtcNow.AddDays(1)) -Force", vars).Ok();

                // the sandbox goes away while the wait runs (a day ahead at 600x: the wait checks every few seconds)
                var kill = Task.Run(async () => { await Task.Delay(1500); await sandbox.DisposeAsync(); stopped = true; });
                var watch = Stopwatch.StartNew();
                var r = ps.Run("$events | Wait-ClawdTalkEvent -UnreachableTimeout 3", vars);
                var took = watch.Elapsed;
                await kill;

                var error = r.Error("ServerUnreachable", ErrorCategory.ConnectionError);
                Assert.True(Assert.IsAssignableFrom<ClawdTalk.Api.ClawdTalkException>(error.Exception).Terminating); // the statement stops
                Assert.Contains("stayed unreachable", error.ErrorDetails.Message);
                Assert.Contains(r.Warnings, w => w.Contains("unreachable", StringComparison.Ordinal) && w.Contains("3 s", StringComparison.Ordinal));
                Assert.Single(r.Warnings, w => w.Contains("unreachable", StringComparison.Ordinal)); // once, not at every try
                Assert.Empty(r.Output);
                // a generous bound (behaviour, not a benchmark): it ended, and not after the 60 s default
                Assert.True(took < TimeSpan.FromSeconds(45), $"the wait took {took}");
            }
            finally
            {
                if (!stopped) await sandbox.DisposeAsync();
            }
        }
    }
}
