using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.State;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>The slug store: concurrent writers in separate processes, a writer killed mid-write, the published client's file.</summary>
    public sealed class StateStoreTests
    {
        static string NewStateFile(JObject? content = null)
        {
            var path = Path.Combine(TestEnvironment.NewTempDir(), ".missions_state.json");
            if (content != null) File.WriteAllText(path, content.ToString());
            return path;
        }

        static JObject Entry(string name) => new()
        {
            ["mission_name"] = name, ["mission_id"] = "mis_x", ["run_id"] = "run_x", ["created_at"] = "2026-01-05T10:00:00.123456",
            ["assistant_id"] = null, ["agent_phone"] = null, ["phone_number_id"] = null, ["memory"] = new JObject(), ["last_updated"] = "2026-01-05T10:00:00.123456",
        };

        [Fact]
        public void A_writer_reusing_its_tree_keeps_what_another_writer_wrote_and_nothing_of_a_change_that_failed()
        {
            var path = NewStateFile(new JObject { ["a"] = Entry("A") });
            var mine = new MissionStateStore(path);
            mine.MutateReusing(root => root["a"]!["memory"]!["n"] = 1);
            new MissionStateStore(path).Mutate(root => root["b"] = Entry("B")); // another writer in between
            mine.MutateReusing(root => root["a"]!["memory"]!["n"] = 2);
            mine.MutateReusing(root => root["a"]!["memory"]!["m"] = 3);         // no writer in between: the tree is reused
            Assert.Throws<InvalidOperationException>(() => mine.MutateReusing(root => { root["a"]!["memory"]!["lost"] = true; throw new InvalidOperationException("fails"); }));
            mine.MutateReusing(root => root["a"]!["memory"]!["k"] = 4);

            var all = JObject.Parse(File.ReadAllText(path));
            Assert.Equal("B", (string?)all["b"]!["mission_name"]);
            var memory = (JObject)all["a"]!["memory"]!;
            Assert.Equal(new[] { "n", "m", "k" }, memory.Properties().Select(p => p.Name));
            Assert.Equal(new[] { 2, 3, 4 }, memory.Properties().Select(p => (int)p.Value));
        }

        [Theory]
        [InlineData("Lead Outreach", "lead-outreach")]
        [InlineData("  Q3: call *every* lead!! ", "q3-call-every-lead")]
        [InlineData("Ünïcode — names 2026", "n-code-names-2026")]
        [InlineData("a__b--c  d", "a-b-c-d")]
        [InlineData("---", "")]
        [InlineData("ABC123", "abc123")]
        public void Slugs_follow_the_published_rule(string name, string slug) => Assert.Equal(slug, ClawdTalk.Boundary.Slugs.From(name));

        [Fact]
        public async Task Eight_processes_appending_25_items_each_at_once_keep_all_200()
        {
            var path = NewStateFile(new JObject { ["shared"] = Entry("Shared") });
            var processes = Enumerable.Range(1, 8).Select(p =>
                HostProcess.Start($"1..25 | ForEach-Object {{ Add-ClawdTalkMemory -Slug shared -Key items -Value \"p{p}-$_\" -ErrorAction Stop }}", path)).ToList();
            var outputs = processes.Select(p => Task.Run(() => (p.StandardOutput.ReadToEnd(), p.StandardError.ReadToEnd()))).ToList();
            foreach (var p in processes)
            {
                Assert.True(p.WaitForExit(180_000), "a writer did not finish");
                p.WaitForExit();
            }
            for (var i = 0; i < processes.Count; i++)
            {
                var (stdout, stderr) = await outputs[i];
                Assert.True(processes[i].ExitCode == 0, $"writer {i + 1} failed: {stdout} {stderr}");
                processes[i].Dispose();
            }

            var items = ((JArray)JObject.Parse(File.ReadAllText(path))["shared"]!["memory"]!["items"]!).Select(t => (string)t!).ToList();
            Assert.Equal(200, items.Count);
            Assert.Equal(200, items.Distinct().Count());
            for (var p = 1; p <= 8; p++)
            {
                var mine = items.Where(x => x.StartsWith($"p{p}-", StringComparison.Ordinal)).Select(x => int.Parse(x[(x.IndexOf('-') + 1)..])).ToList();
                Assert.Equal(Enumerable.Range(1, 25), mine); // each writer's items, in its own order
            }
        }

        [Fact]
        public void A_process_killed_while_writing_leaves_a_parseable_file_and_the_store_usable()
        {
            var big = new string('x', 200_000);
            var path = NewStateFile(new JObject { ["busy"] = Entry("Busy"), ["other"] = Entry("Other") });
            var rng = new Random(42);
            int kills = 0, reads = 0;
            for (var round = 0; round < 6; round++)
            {
                using var p = HostProcess.Start($"$v = '{big[..10]}' * 20000; $i = 0; while ($true) {{ $i++; Set-ClawdTalkMemory -Slug busy -Key \"k$($i % 5)\" -Value \"$v$i\" }}", path);
                // wait until it is writing, then kill it at a random moment
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < TimeSpan.FromSeconds(60) && !(File.Exists(path) && new FileInfo(path).Length > 100_000)) Thread.Sleep(20);
                // readers meanwhile see the old file or the new one, never part of one
                var until = watch.Elapsed + TimeSpan.FromMilliseconds(rng.Next(100, 500));
                var roundReads = 0;
                while (watch.Elapsed < until || roundReads == 0)
                {
                    string text;
                    try { text = File.ReadAllText(path); } catch (IOException) { continue; }
                    JObject.Parse(text);
                    roundReads++;
                }
                reads += roundReads;
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                kills++;

                var root = JObject.Parse(File.ReadAllText(path)); // never half a file
                Assert.Equal("Other", (string?)root["other"]!["mission_name"]);
                Assert.Equal("mis_x", (string?)root["busy"]!["mission_id"]);
                Assert.True(((JObject)root["busy"]!["memory"]!).Count > 0);
            }
            Assert.Equal(6, kills);
            Assert.True(reads >= 6, $"only {reads} concurrent reads");

            // the lock died with its holder: the next writer gets it at once
            var store = new MissionStateStore(path);
            var watch2 = Stopwatch.StartNew();
            store.UpdateExisting("other", e => MissionStateStore.MemoryOf(e)["after"] = "kill");
            Assert.True(watch2.Elapsed < TimeSpan.FromSeconds(10));
            Assert.Equal("kill", (string?)JObject.Parse(File.ReadAllText(path))["other"]!["memory"]!["after"]);
        }

        const string Published = @"{
  ""lead-outreach"": {
    ""mission_name"": ""Lead outreach"",
    ""mission_id"": ""f3b2a1c0-1111-4444-8888-000000000001"",
    ""run_id"": ""a9e8d7c6-2222-4444-8888-000000000002"",
    ""created_at"": ""2026-01-05T10:00:00.123456"",
    ""assistant_id"": ""assistant-7c1e"",
    ""agent_phone"": ""+15551230000"",
    ""phone_number_id"": ""2735911867912111"",
    ""memory"": {
      ""leads"": [""Ada""],
      ""script"": {""opening"": ""Hi"", ""tries"": 2},
      ""note"": ""called twice""
    },
    ""last_updated"": ""2026-01-05T10:05:00.654321"",
    ""python_extra"": {""keep"": true}
  },
  ""another-mission"": {
    ""mission_name"": ""Another mission"",
    ""mission_id"": ""m2"",
    ""run_id"": ""r2"",
    ""created_at"": ""2026-01-04T09:00:00"",
    ""assistant_id"": null,
    ""agent_phone"": null,
    ""phone_number_id"": null,
    ""memory"": {},
    ""last_updated"": ""2026-01-04T09:00:00""
  }
}";

        [Fact]
        public void A_file_in_the_published_format_is_read_and_updated_in_place_by_another_process()
        {
            var path = NewStateFile(JObject.Parse(Published));
            var (code, stdout, stderr) = HostProcess.Run(@"
                $s = Get-ClawdTalkMissionState -Slug lead-outreach
                '{0}|{1}|{2}|{3}|{4}' -f $s.MissionName, $s.MissionId, $s.RunId, $s.AgentPhone, $s.Status
                Add-ClawdTalkMemory -Slug lead-outreach -Key leads -Value Grace
                Set-ClawdTalkMemory -Slug lead-outreach -Key outcome -Value '{""booked"":1}'
                (Get-ClawdTalkMemory -Slug lead-outreach -Key script -ValueOnly).tries", path);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("Lead outreach|f3b2a1c0-1111-4444-8888-000000000001|a9e8d7c6-2222-4444-8888-000000000002|+15551230000|Active", stdout);
            Assert.Contains("2", stdout.Split('\n').Select(l => l.Trim()));

            var before = JObject.Parse(Published);
            var after = JObject.Parse(File.ReadAllText(path));
            var entry = (JObject)after["lead-outreach"]!;
            foreach (var k in new[] { "mission_name", "mission_id", "run_id", "created_at", "assistant_id", "agent_phone", "phone_number_id" })
                Assert.Equal(before["lead-outreach"]![k], entry[k]);
            Assert.Equal(new[] { "Ada", "Grace" }, entry["memory"]!["leads"]!.Select(t => (string?)t));
            Assert.Equal(1, (int)entry["memory"]!["outcome"]!["booked"]!);
            Assert.Equal("called twice", (string?)entry["memory"]!["note"]);
            Assert.True(JToken.DeepEquals(before["lead-outreach"]!["python_extra"], entry["python_extra"]));
            Assert.NotEqual("2026-01-05T10:05:00.654321", (string?)entry["last_updated"]);
            Assert.True(JToken.DeepEquals(before["another-mission"], after["another-mission"]));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void Import_brings_the_published_file_into_the_store_and_refuses_conflicts_without_Force()
        {
            var suffix = Guid.NewGuid().ToString("N")[..8];
            var text = Published.Replace("lead-outreach", "lead-outreach-" + suffix).Replace("another-mission", "another-mission-" + suffix);
            var path = NewStateFile(JObject.Parse(text));
            using var ps = new PsSession();
            try
            {
                var r = ps.Run("Import-ClawdTalkMissionState -Path $p", new Dictionary<string, object?> { ["p"] = path }).Ok();
                Assert.Equal(new[] { "lead-outreach-" + suffix, "another-mission-" + suffix }, r.Objects<MissionState>().Select(s => s.Slug));
                var imported = StateFile.Entry("lead-outreach-" + suffix);
                Assert.Equal("assistant-7c1e", (string?)imported["assistant_id"]);
                Assert.True((bool)imported["python_extra"]!["keep"]!);

                // the same again: kept as it is; another mission under the slug: a conflict unless -Force
                ps.Run("Import-ClawdTalkMissionState -Path $p", new Dictionary<string, object?> { ["p"] = path }).Ok();
                File.WriteAllText(path, text.Replace("f3b2a1c0-1111-4444-8888-000000000001", "other-mission-id"));
                var conflict = ps.Run("Import-ClawdTalkMissionState -Path $p -Slug lead-*", new Dictionary<string, object?> { ["p"] = path });
                conflict.Error("MissionStateConflict", System.Management.Automation.ErrorCategory.ResourceExists);
                Assert.Equal("f3b2a1c0-1111-4444-8888-000000000001", (string?)StateFile.Entry("lead-outreach-" + suffix)["mission_id"]);
                ps.Run("Import-ClawdTalkMissionState -Path $p -Slug lead-* -Force", new Dictionary<string, object?> { ["p"] = path }).Ok();
                Assert.Equal("other-mission-id", (string?)StateFile.Entry("lead-outreach-" + suffix)["mission_id"]);

                // listing, filtering and removing
                var listed = ps.Run("Get-ClawdTalkMissionState -Slug *-$s -Status Active", new Dictionary<string, object?> { ["s"] = suffix }).Ok().Objects<MissionState>();
                Assert.Equal(2, listed.Count);
                ps.Run("Get-ClawdTalkMissionState -Slug *-$s | Remove-ClawdTalkMissionState -Force", new Dictionary<string, object?> { ["s"] = suffix });
                Assert.Null(StateFile.Find("lead-outreach-" + suffix));
                Assert.Null(StateFile.Find("another-mission-" + suffix));
            }
            finally
            {
                new MissionStateStore(StateFile.Path).Update("lead-outreach-" + suffix, _ => null);
                new MissionStateStore(StateFile.Path).Update("another-mission-" + suffix, _ => null);
            }
        }

        [Fact]
        public void Memory_values_keep_their_json_types_and_append_turns_a_value_into_a_list()
        {
            var slug = "memory-" + Guid.NewGuid().ToString("N")[..8];
            var store = new MissionStateStore(StateFile.Path);
            store.Update(slug, _ => Entry("Memory"));
            using var ps = new PsSession();
            try
            {
                var v = new Dictionary<string, object?> { ["slug"] = slug };
                ps.Run(@"Set-ClawdTalkMemory -Slug $slug -Key n -Value 3
                    Set-ClawdTalkMemory -Slug $slug -Key text -Value 'plain text'
                    Set-ClawdTalkMemory -Slug $slug -Key obj -Value @{ a = 1; b = @('x', 'y') }
                    Set-ClawdTalkMemory -Slug $slug -Key json -Value '[1, {""z"": true}]'
                    Set-ClawdTalkMemory -Slug $slug -Key gone -Value $null
                    Add-ClawdTalkMemory -Slug $slug -Key text -Value 'more'
                    Add-ClawdTalkMemory -Slug $slug -Key fresh -Value 1", v).Ok();
                var memory = (JObject)StateFile.Entry(slug)["memory"]!;
                Assert.Equal(JTokenType.Integer, memory["n"]!.Type);
                Assert.Equal(new[] { "plain text", "more" }, memory["text"]!.Select(t => (string?)t));
                Assert.Equal(1, (int)memory["obj"]!["a"]!);
                Assert.Equal("y", (string?)memory["obj"]!["b"]![1]);
                Assert.True((bool)memory["json"]![1]!["z"]!);
                Assert.Equal(JTokenType.Null, memory["gone"]!.Type);
                Assert.Equal(new[] { 1 }, memory["fresh"]!.Select(t => (int)t));

                var entries = ps.Run("Get-ClawdTalkMemory -Slug $slug -Key t*", v).Ok().Objects<MissionMemoryEntry>();
                Assert.Equal("[\"plain text\",\"more\"]", entries.Single().Json);
                var value = ps.Run("(Get-ClawdTalkMemory -Slug $slug -Key obj -ValueOnly).b[0]", v).Ok();
                Assert.Equal("x", value.Output.Single().ToString());
                ps.Run("Get-ClawdTalkMemory -Slug $slug -Key nope", v).Error("MemoryKeyNotFound");
            }
            finally { store.Update(slug, _ => null); }
        }
    }
}
