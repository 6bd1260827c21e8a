using System;
using System.Linq;
using System.Text.RegularExpressions;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>
    /// What Register-ClawdTalkCall/-Sms take and give: CSV-style phone columns, output in input order, -WhatIf listing
    /// what the real run does, texts without a mission; and Set-ClawdTalkAssistant -Property.
    /// </summary>
    public sealed class RegisterInputTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public RegisterInputTests(FastScheduledEventSandbox sb) => _sb = sb;

        [Theory]
        [InlineData("Phone Number")]
        [InlineData("phone_number")]
        [InlineData("Cell")]
        [InlineData("Mobile")]
        [InlineData("Number")]
        [InlineData("To")]
        public void A_CSV_phone_column_by_any_common_name_is_the_target_number(string column)
        {
            var t = Targets.Read(new System.Collections.Hashtable { [column] = "+1 212 555 0142", ["Name"] = "Ana" });
            Assert.Equal("+12125550142", t.Phone);
            Assert.False(t.Variables.ContainsKey(column)); // the number is not a template variable too
        }

        [Fact]
        public void Output_follows_input_order_and_WhatIf_lists_a_duplicate_once_as_the_real_run_schedules_it()
        {
            using var ps = _sb.Session();
            var m = _sb.Mission(ps, "Order", "calls");
            var numbers = Enumerable.Range(0, 12).Select(i => $"'+1 720 555 {7100 + i:0000}'").ToList();
            numbers.Insert(5, numbers[2]); // a duplicate
            var list = string.Join(", ", numbers);

            var whatIf = ps.Run($"{list} | Register-ClawdTalkCall -Slug $slug -WhatIf", _sb.Vars(("slug", m.Slug))).Ok();
            var listed = whatIf.HostText.Split('\n').Where(l => l.Contains("What if", StringComparison.Ordinal)).ToList();
            Assert.Equal(12, listed.Count);
            Assert.Single(whatIf.Warnings, w => w.Contains("came twice", StringComparison.Ordinal));

            var events = ps.Run($"{list} | Register-ClawdTalkCall -Slug $slug -ThrottleLimit 8 -Force", _sb.Vars(("slug", m.Slug))).Ok().Objects<ScheduledEvent>();
            var expected = Enumerable.Range(0, 12).Select(i => $"+1720555{7100 + i:0000}").ToList();
            Assert.Equal(expected, events.Select(e => e.To ?? "").ToList());
        }

        [Fact]
        public void A_text_is_scheduled_without_a_mission_and_a_call_needs_one()
        {
            using var ps = _sb.Session();
            var a = ps.Run("New-ClawdTalkAssistant -Name 'Texter'").Ok().Single<Assistant>();
            var mark = _sb.Mark();
            var ev = ps.Run("Register-ClawdTalkSms -To '+1 303 555 0123' -Message 'Your table is ready.' -AssistantId $a -From '+1 212 555 0103' -Force",
                _sb.Vars(("a", a.AssistantId))).Ok().Single<ScheduledEvent>();
            Assert.Equal(ScheduledEventChannel.Sms, ev.Channel);
            var body = JObject.Parse((string)_sb.Log(mark).Single(e => (string?)e["method"] == "POST" && Regex.IsMatch((string?)e["path"] ?? "", "/events$"))["body"]!);
            Assert.Null(body["mission_id"]);
            Assert.Null(body["run_id"]);
            Assert.Equal("Your table is ready.", (string?)body["text_body"]);

            // a call still belongs to a mission run (the service needs its ids): without -Slug it does not bind
            Assert.Contains("Slug", ps.Run("Register-ClawdTalkCall -To '+1 303 555 0123' -AssistantId $a -From '+1 212 555 0103' -Force", _sb.Vars(("a", a.AssistantId))).Error("MissingMandatoryParameter").Exception.Message);
            ps.Run("Register-ClawdTalkSms -To '+1 303 555 0123' -Message x -AssistantId $a -Force", _sb.Vars(("a", a.AssistantId))).Error("NoCallerNumber");
        }

        [Fact]
        public void Set_assistant_Property_sets_any_field()
        {
            using var ps = _sb.Session();
            var a = ps.Run("New-ClawdTalkAssistant -Name 'Props'").Ok().Single<Assistant>();
            var mark = _sb.Mark();
            ps.Run("Set-ClawdTalkAssistant -AssistantId $a -Property @{ description = 'from -Property'; greeting = 'Hi' } -Greeting 'Hello'", _sb.Vars(("a", a.AssistantId))).Ok();
            var patch = JObject.Parse((string)_sb.Log(mark).Single(e => (string?)e["method"] == "PATCH")["body"]!);
            Assert.Equal("from -Property", (string?)patch["description"]);
            Assert.Equal("Hello", (string?)patch["greeting"]); // the named parameter wins
            Assert.Equal("from -Property", (string?)_sb.Api($"assistants/{a.AssistantId}")["description"]);
        }
    }
}
