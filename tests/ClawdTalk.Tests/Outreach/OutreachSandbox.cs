using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ClawdTalk.Sandbox;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Outreach
{
    /// <summary>
    /// One sandbox per outreach test class (a distinctive key, time running 600 times faster) with helpers to set up a
    /// mission, drive the control endpoints and read the request log. Tests of a class run one after another.
    /// </summary>
    public class OutreachSandbox : SandboxHarness
    {
        // insights complete at their first read: the tests wait for calls, not for the sandbox's insight model
        protected override void Started() => Control(HttpMethod.Post, "/_sandbox/insights", new { pending_reads = 0 });

        protected override void AddVars(Dictionary<string, object?> vars) => vars["scale"] = TimeScale;

        /// <summary>A session of the real engine connected to this sandbox, the key registered as a secret.</summary>
        public PsSession Session(string connectArgs = "")
        {
            var ps = new PsSession().Secret(Key);
            ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url " + connectArgs, Vars()).Ok();
            return ps;
        }

        /// <summary>A new mission (unique name) with a plan and an agent holding a fresh number; returns it.</summary>
        public MissionState Mission(PsSession ps, string prefix, params string[] steps)
        {
            AddNumbers(1);
            var name = $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];
            var stepList = steps.Length == 0 ? "'calls'" : string.Join(",", steps.Select(s => $"'{s}'"));
            var r = ps.Run($"Initialize-ClawdTalkMission -Name $name -Instructions 'Outreach test' -Request 'Test' -Step {stepList} | Add-ClawdTalkAgent -Instructions 'Be brief.'",
                Vars(("name", name))).Ok();
            return r.Single<MissionState>();
        }

        public void Faults(double rate, double stallSeconds = 5, params string[] kinds) =>
            Control(HttpMethod.Post, "/_sandbox/faults", new { rate, faults = kinds.Length == 0 ? new[] { "429", "503", "reset", "stall" } : kinds, stall_seconds = stallSeconds });

        public List<JObject> RunEvents(MissionState m) => ((JArray)Api($"missions/{m.MissionId}/runs/{m.RunId}/events")).OfType<JObject>().ToList();

        public List<JObject> ScheduledEvents(string assistantId) => ((JArray)Api($"assistants/{assistantId}/events")).OfType<JObject>().ToList();

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
            var root = ClawdTalk.State.MissionStateStore.ReadFile(Environment.GetEnvironmentVariable("CLAWDTALK_STATE")!, "x");
            var entry = (JObject)root[slug]!;
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
    public sealed class MinuteOutreachSandbox : OutreachSandbox
    {
        protected override double TimeScale => 60;
    }

    /// <summary>The default outreach sandbox (600 times faster).</summary>
    public sealed class FastOutreachSandbox : OutreachSandbox { }
}
