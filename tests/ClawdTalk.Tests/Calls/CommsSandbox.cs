using ClawdTalk.Tests.Harness;

namespace ClawdTalk.Tests.Calls
{
    /// <summary>A sandbox where time runs 600 times faster: a whole answered call takes about a tenth of a second.</summary>
    public sealed class FastSandbox : SandboxHarness { }

    /// <summary>A sandbox where a minute passes in a second: an answered call takes about a second.</summary>
    public sealed class MinuteSandbox : SandboxHarness
    {
        protected override double TimeScale => 60;
    }

    /// <summary>A sandbox on the wall clock: calls ring for ten seconds, approvals expire when they say.</summary>
    public sealed class RealTimeSandbox : SandboxHarness
    {
        protected override double TimeScale => 1;
    }
}
