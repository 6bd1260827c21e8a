using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ClawdTalk.State;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Missions
{
    /// <summary>Bad input is caught before anything is sent: a specific ErrorId, no request, the state file unchanged.</summary>
    public sealed class MissionInputTests : IDisposable
    {
        readonly ScriptedServer _server = new() { Fallback = new ScriptedServer.Reply(500, "{\"error\":\"should not be called\"}") };
        readonly string _key = Keys.NewApiKey();
        readonly string _slug;
        readonly string _name;
        readonly PsSession _ps;

        public MissionInputTests()
        {
            _name = Names.Unique("Input");
            _slug = Names.SlugOf(_name);
            new MissionStateStore(StateFile.Path).Update(_slug, _ => new JObject
            {
                ["mission_name"] = _name, ["mission_id"] = "mis_input", ["run_id"] = "run_input", ["created_at"] = "2026-01-01T00:00:00",
                ["assistant_id"] = null, ["agent_phone"] = null, ["phone_number_id"] = null, ["memory"] = new JObject { ["kept"] = "yes" },
                ["status"] = "active", ["run_status"] = "running",
                ["steps"] = new JArray(new JObject { ["step_id"] = "a", ["description"] = "A", ["sequence"] = 1 }, new JObject { ["step_id"] = "b", ["description"] = "B", ["sequence"] = 2 }),
            });
            _ps = new PsSession().Secret(_key);
            _ps.Run("Connect-ClawdTalk -ApiKey $key -Server $url", Vars()).Ok();
        }

        public void Dispose()
        {
            _ps.Dispose();
            _server.Dispose();
            new MissionStateStore(StateFile.Path).Update(_slug, _ => null);
        }

        Dictionary<string, object?> Vars() => new() { ["key"] = SecureStrings.From(_key), ["url"] = _server.Url, ["slug"] = _slug, ["name"] = _name };

        /// <summary>Runs the script and checks: the error, nothing sent, the entry of the slug byte for byte as it was.</summary>
        void Rejects(string script, string errorId, ErrorCategory category)
        {
            var before = StateFile.Entry(_slug).ToString();
            var r = _ps.Run(script, Vars());
            r.Error(errorId, category);
            Assert.Empty(r.Output);
            Assert.Empty(_server.Requests);
            Assert.Equal(before, StateFile.Entry(_slug).ToString());
        }

        [Theory]
        [InlineData("Set-ClawdTalkStep -Slug no-such-mission -StepId a -Status completed")]
        [InlineData("Complete-ClawdTalkMission -Slug no-such-mission")]
        [InlineData("Stop-ClawdTalkMission -Slug no-such-mission -Reason x -Force")]
        [InlineData("Add-ClawdTalkAgent -Slug no-such-mission")]
        [InlineData("Get-ClawdTalkRun -Slug no-such-mission")]
        [InlineData("Get-ClawdTalkPlan -Slug no-such-mission")]
        [InlineData("Write-ClawdTalkEvent -Slug no-such-mission -Summary x")]
        [InlineData("Set-ClawdTalkMemory -Slug no-such-mission -Key k -Value v")]
        [InlineData("Add-ClawdTalkMemory -Slug no-such-mission -Key k -Value v")]
        [InlineData("Get-ClawdTalkMemory -Slug no-such-mission")]
        [InlineData("Get-ClawdTalkMissionState -Slug no-such-mission")]
        [InlineData("Remove-ClawdTalkMissionState -Slug no-such-mission -Force")]
        public void An_unknown_slug_is_MissionStateNotFound(string script) => Rejects(script, "MissionStateNotFound", ErrorCategory.ObjectNotFound);

        [Theory]
        [InlineData("done")]
        [InlineData("complete")]
        [InlineData("")]
        public void An_invalid_step_status_is_InvalidStepStatus(string status) =>
            Rejects($"Set-ClawdTalkStep -Slug $slug -StepId a -Status '{status}'", "InvalidStepStatus", ErrorCategory.InvalidArgument);

        [Theory]
        [InlineData("in_progress")]
        [InlineData("InProgress")]
        [InlineData("in-progress")]
        public void Step_statuses_take_either_spelling(string status)
        {
            // the status parses, so the request goes out (and the scripted server's 500 comes back)
            var r = _ps.Run($"Set-ClawdTalkStep -Slug $slug -StepId a -Status {status}", Vars());
            Assert.DoesNotContain("InvalidStepStatus", r.ErrorIds);
            Assert.Contains(_server.Requests, q => q.Method == "PATCH" && q.Body.Contains("\"in_progress\""));
        }

        [Fact]
        public void A_step_id_not_in_the_plan_is_StepNotInPlan() =>
            Rejects("Set-ClawdTalkStep -Slug $slug -StepId zzz -Status completed", "StepNotInPlan", ErrorCategory.ObjectNotFound);

        [Theory]
        [InlineData("Set-ClawdTalkMemory -Slug $slug -Key kept -Value '{\"broken\":'", "InvalidMemoryJson")]
        [InlineData("Add-ClawdTalkMemory -Slug $slug -Key kept -Value '[1, 2'", "InvalidMemoryJson")]
        [InlineData("Set-ClawdTalkStep -Slug $slug -StepId a -Status completed -Payload '{nope}'", "InvalidPayloadJson")]
        [InlineData("Complete-ClawdTalkMission -Slug $slug -Payload '{\"a\":}'", "InvalidPayloadJson")]
        [InlineData("Stop-ClawdTalkMission -Slug $slug -Reason x -Payload '[' -Force", "InvalidPayloadJson")]
        [InlineData("Write-ClawdTalkEvent -Slug $slug -Summary x -Payload '{'", "InvalidPayloadJson")]
        [InlineData("Set-ClawdTalkRun -Slug $slug -Payload '{'", "InvalidPayloadJson")]
        public void Invalid_json_for_memory_or_payload_is_rejected(string script, string errorId) => Rejects(script, errorId, ErrorCategory.InvalidArgument);

        [Theory]
        [InlineData("''")]
        [InlineData("'   '")]
        [InlineData("'!!! ???'")]
        public void An_empty_name_is_InvalidMissionName(string name)
        {
            Rejects($"Initialize-ClawdTalkMission -Name {name} -Instructions x -Request y -Step a", "InvalidMissionName", ErrorCategory.InvalidArgument);
            Rejects($"New-ClawdTalkMission -Name {name} -Instructions x", "InvalidMissionName", ErrorCategory.InvalidArgument);
        }

        [Fact]
        public void A_name_whose_slug_belongs_to_another_mission_is_MissionSlugCollision()
        {
            var other = _name.ToUpperInvariant().Replace(' ', '_') + "!";
            Assert.Equal(_slug, Names.SlugOf(other));
            Rejects("Initialize-ClawdTalkMission -Name $other -Instructions x -Request y -Step a".Replace("$other", "'" + other + "'"), "MissionSlugCollision", ErrorCategory.ResourceExists);
        }

        [Theory]
        [InlineData("-Step a, a", "DuplicateStepId")]
        [InlineData("-Step @{StepId='x'}, @{StepId='x'; Description='again'}", "DuplicateStepId")]
        [InlineData("-Step '[{\"step_id\":\"a\"},'", "InvalidStep")]
        [InlineData("-Step @{StepId='has space'}", "InvalidStep")]
        [InlineData("-Step @{Description='d'; Sequence='first'}", "InvalidStep")]
        [InlineData("-Step '!!!'", "InvalidStep")]
        public void Invalid_steps_are_rejected(string steps, string errorId) =>
            Rejects($"Initialize-ClawdTalkMission -Name 'Fresh {Guid.NewGuid():N}' -Instructions x -Request y {steps}", errorId, ErrorCategory.InvalidArgument);

        [Theory]
        [InlineData("Set-ClawdTalkRun -Slug $slug -Status finished", "InvalidRunStatus")]
        [InlineData("Set-ClawdTalkRun -Slug $slug", "NoChange")]
        [InlineData("Write-ClawdTalkEvent -Slug $slug -Summary x -Type note", "InvalidEventType")]
        [InlineData("Get-ClawdTalkEvent -Slug $slug -Type note", "InvalidEventType")]
        [InlineData("Get-ClawdTalkInsight -ConversationId c -PollInterval 0.01", "InvalidPollInterval")]
        public void Other_invalid_values_are_rejected(string script, string errorId) => Rejects(script, errorId, ErrorCategory.InvalidArgument);

        [Fact]
        public void A_state_file_that_is_not_json_is_reported_and_left_alone()
        {
            var dir = TestEnvironment.NewTempDir();
            var bad = Path.Combine(dir, "broken.json");
            File.WriteAllText(bad, "{ \"x\": ");
            var r = _ps.Run("Get-ClawdTalkMissionState -Path $p; Import-ClawdTalkMissionState -Path $p", new Dictionary<string, object?> { ["p"] = bad });
            Assert.Equal(2, r.ErrorIds.FindAll(e => e == "StateFileInvalid").Count);
            Assert.Equal("{ \"x\": ", File.ReadAllText(bad));
        }
    }
}
