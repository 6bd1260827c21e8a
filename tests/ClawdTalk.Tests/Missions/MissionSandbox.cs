using ClawdTalk.Tests.Harness;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>The mission tests' sandbox: the harness with its defaults (time 600 times faster).</summary>
    public sealed class MissionSandbox : SandboxHarness { }
}
