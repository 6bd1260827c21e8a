using System;
using System.Collections.Generic;
using ClawdTalk.Sandbox;

namespace ClawdTalk.Bench
{
    /// <summary>What the rows measure. Extend as cmdlets land.</summary>
    internal static class BenchCommands
    {
        public static readonly (string label, string command)[] Cold =
        {
            ("connection test", "Test-ClawdTalkConnection -Quiet"),
        };

        public static IEnumerable<(string label, string script, string rawMethod, string rawPath, string? rawBody)> PerCmdlet(BenchSession session)
        {
            yield return ("read: Test-ClawdTalkConnection", "$null = Test-ClawdTalkConnection", "GET", "/missions?page[size]=1", null);
        }
    }

    /// <summary>Further sections (sweep, waits, bridge) register here.</summary>
    internal static class Sections
    {
        public static readonly List<Action<Table, SandboxServer, string, int>> All = new() { OutreachBench.Run };
    }
}
