using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// The outreach tests' sandbox: the harness with insights ready at their first read (the tests wait for calls, not
    /// for the sandbox's insight model), plus the scheduled-event checks (applied schedules, memory records, wait statistics).
    /// </summary>
    public abstract class ScheduledEventSandbox : SandboxHarness
    {
        protected override bool InstantInsights => true;

        /// <summary>Schedule requests the sandbox applied (reached its handler), per callee.</summary>
        public static Dictionary<string, int> AppliedSchedules(IEnumerable<JObject> log, string? channel = null) =>
            log.Where(e => (string?)e["method"] == "POST" && Regex.IsMatch((string?)e["path"] ?? "", "^/v1/assistants/[^/]+/events$") && (bool?)e["applied"] == true
                           && ((int?)e["status"] ?? 0) < 300)
                .Select(e => JObject.Parse((string)e["body"]!))
                .Where(b => channel == null || (string?)b["channel"] == channel)
                .GroupBy(b => (string)b["to"]!).ToDictionary(g => g.Key, g => g.Count());

        /// <summary>The mission's memory records of scheduled events (from the state file).</summary>
        public static List<JObject> Records(string slug)
        {
            var entry = StateFile.Entry(slug);
            return ((entry["memory"] as JObject)?["scheduled_events"] as JArray)?.OfType<JObject>().ToList() ?? new List<JObject>();
        }

        /// <summary>Verbose lines' "N check(s), M list request(s)" of a Wait-ClawdTalkEvent run.</summary>
        public static (int checks, int lists) WaitStats(PsResult r)
        {
            var line = r.Verbose.Last(v => v.StartsWith("Waited ", StringComparison.Ordinal));
            var m = Regex.Match(line, @"(\d+) check\(s\), (\d+) list request\(s\)");
            return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
        }
    }

    /// <summary>A sandbox where a minute passes in a second.</summary>
    public sealed class MinuteScheduledEventSandbox : ScheduledEventSandbox
    {
        protected override double TimeScale => 60;
    }

    /// <summary>The default scheduled-event sandbox (600 times faster).</summary>
    public sealed class FastScheduledEventSandbox : ScheduledEventSandbox { }
}
