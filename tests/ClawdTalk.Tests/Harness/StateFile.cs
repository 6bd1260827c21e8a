using System;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Tests.Harness
{
    /// <summary>Mission names no other test (or test run) uses.</summary>
    public static class Names
    {
        public static string Unique(string prefix) => SandboxHarness.Unique(prefix);
        public static string SlugOf(string name) => ClawdTalk.Boundary.Slugs.From(name);
    }

    /// <summary>The slug store file the test process uses (CLAWDTALK_STATE, set by TestEnvironment).</summary>
    public static class StateFile
    {
        public static string Path => Environment.GetEnvironmentVariable("CLAWDTALK_STATE")!;

        public static JObject Entry(string slug)
        {
            var root = ClawdTalk.State.MissionStateStore.ReadFile(Path, "x");
            return (JObject)(root[slug] ?? throw new Xunit.Sdk.XunitException($"no '{slug}' in the state file"));
        }

        public static JObject? Find(string slug) => ClawdTalk.State.MissionStateStore.ReadFile(Path, "x")[slug] as JObject;
    }
}
