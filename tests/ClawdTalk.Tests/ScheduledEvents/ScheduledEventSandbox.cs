using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// The scheduled-event tests' sandbox: the harness with insights ready at their first read (the tests wait for calls, not
    /// for the sandbox's insight model), plus the scheduled-event checks (applied schedules, memory records, wait statistics).
    /// </summary>
    public abstract class ScheduledEventSandbox : SandboxHarness
    {
        protected override bool InstantInsights => true;

        /// <summary>
        /// The schedule requests (POST /assistants/{id}/events) of a request log that created an event: they reached their
        /// handler and were answered 2xx, in log order. A time the service refused as less than a minute ahead (at 600×
        /// that minute is 0.1 s of a busy machine) is asked again later and created nothing, so it is not counted; a second
        /// call would be.
        /// </summary>
        public static List<JObject> CreatedSchedules(IEnumerable<JObject> log, string? assistantId = null) =>
            log.Where(e => (string?)e["method"] == "POST" && Regex.IsMatch((string?)e["path"] ?? "", "^/v1/assistants/[^/]+/events$") && (bool?)e["applied"] == true
                           && ((int?)e["status"] ?? 0) is >= 200 and < 300
                           && (assistantId == null || (string?)e["path"] == $"/v1/assistants/{assistantId}/events")).ToList();

        /// <summary>Schedule requests that created an event (<see cref="CreatedSchedules"/>), per callee.</summary>
        public static Dictionary<string, int> AppliedSchedules(IEnumerable<JObject> log, string? channel = null) =>
            CreatedSchedules(log)
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
