using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using ClawdTalk.Sandbox;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Bench
{
    /// <summary>What the rows measure. Extend as cmdlets land.</summary>
    internal static class BenchCommands
    {
        /// <summary>
        /// One authenticated read per process: `Get-ClawdTalkMission -Id …` (the reference command) once the module
        /// exports it, until then `Test-ClawdTalkConnection -Quiet` (the same single GET of /v1/missions).
        /// </summary>
        public static IEnumerable<(string label, string command)> Cold(SandboxServer sandbox, string key)
        {
            var manifest = File.ReadAllText(ClawdTalk.Host.ScriptSession.FindModule()!);
            if (manifest.Contains("'Get-ClawdTalkMission'"))
            {
                using var http = new HttpClient();
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                var created = http.PostAsync(sandbox.ApiBaseUri.AbsoluteUri.TrimEnd('/') + "/missions",
                    new StringContent("{\"name\":\"bench\"}", System.Text.Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
                var id = (string?)JObject.Parse(created.Content.ReadAsStringAsync().GetAwaiter().GetResult())["mission"]?["id"];
                yield return ("mission read", $"Get-ClawdTalkMission -Id {id}");
            }
            else yield return ("connection test", "Test-ClawdTalkConnection -Quiet");
        }

        public static IEnumerable<(string label, string script, string rawMethod, string rawPath, string? rawBody)> PerCmdlet(BenchSession session)
        {
            yield return ("read: Test-ClawdTalkConnection", "$null = Test-ClawdTalkConnection", "GET", "/missions?page[size]=1", null);
        }
    }

    /// <summary>Further sections (sweep, waits, bridge) register here.</summary>
    internal static class Sections
    {
        public static readonly List<Action<Table, SandboxServer, string, int>> All = new() { ScheduledEventsBench.Run };
    }
}
