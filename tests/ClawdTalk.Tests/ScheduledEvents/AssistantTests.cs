using System;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.ScheduledEvents
{
    /// <summary>Assistants and phone numbers against the sandbox: defaults, tools, paging, wildcards, changes, assignment, completion.</summary>
    public sealed class AssistantTests : IClassFixture<FastScheduledEventSandbox>
    {
        readonly FastScheduledEventSandbox _sb;
        public AssistantTests(FastScheduledEventSandbox sb) => _sb = sb;

        static JObject LastBody(System.Collections.Generic.List<JObject> log, string method, string pathPattern) =>
            JObject.Parse((string)log.Last(e => (string?)e["method"] == method && Regex.IsMatch((string?)e["path"] ?? "", pathPattern))["body"]!);

        [Fact]
        public void New_assistant_sends_the_published_defaults_and_typed_or_hashtable_tools()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var a = ps.Run("New-ClawdTalkAssistant -Name 'Defaults' -Instructions 'Say hi.'").Ok().Single<Assistant>();
            var body = LastBody(_sb.Log(mark), "POST", "^/v1/assistants$");
            Assert.Equal("openai/gpt-4o", (string?)body["model"]);
            Assert.Equal("Rime.ArcanaV3.astra", (string?)body["voice"]);
            Assert.Equal("", (string?)body["greeting"]);
            Assert.Equal(new[] { "telephony", "messaging" }, body["enabled_features"]!.Select(x => (string)x!));
            Assert.Equal(new[] { "hangup", "send_dtmf" }, body["tools"]!.Select(x => (string)x!["type"]!));
            Assert.StartsWith("ast_", a.AssistantId);
            Assert.Equal(new[] { "hangup", "send_dtmf" }, a.ToolTypes);

            mark = _sb.Mark();
            a = ps.Run(@"New-ClawdTalkAssistant -Name 'Tools' -Greeting 'Hello!' -Feature telephony -HangupDescription 'End politely.' -TransferTo '+1 (303) 555-0100' `
                -Tool @{ Type = 'webhook'; Name = 'lookup'; Url = 'https://example.com/hook'; TimeoutMs = 500 }, '{""type"":""send_message"",""send_message"":{}}'").Ok().Single<Assistant>();
            body = LastBody(_sb.Log(mark), "POST", "^/v1/assistants$");
            var tools = (JArray)body["tools"]!;
            Assert.Equal(new[] { "hangup", "send_dtmf", "transfer", "webhook", "send_message" }, tools.Select(x => (string)x!["type"]!));
            Assert.Equal("End politely.", (string?)tools[0]["hangup"]!["description"]);
            Assert.Equal("+13035550100", (string?)tools[2]["transfer"]!["targets"]![0]!["to"]);
            Assert.Equal("https://example.com/hook", (string?)tools[3]["webhook"]!["url"]);
            Assert.Equal(500, (int)tools[3]["webhook"]!["timeout_ms"]!);
            Assert.Equal(new[] { "telephony" }, a.EnabledFeatures);
            Assert.Equal("Hello!", a.Greeting);
        }

        [Theory]
        [InlineData("-Tool @{ Type = 'teleport' }", "InvalidAssistantTool")]
        [InlineData("-Tool '{not json'", "InvalidAssistantTool")]
        [InlineData("-TransferTo '555 0100'", "InvalidPhoneNumber")]
        public void Bad_tools_send_nothing(string options, string errorId)
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            ps.Run($"New-ClawdTalkAssistant -Name 'Bad tools' {options}").Error(errorId, ErrorCategory.InvalidArgument);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void Get_reads_every_page_filters_with_wildcards_and_pages_the_output()
        {
            for (var i = 1; i <= 105; i++) _sb.Send(HttpMethod.Post, "assistants", new { name = $"Pager {i:000}" });
            _sb.Send(HttpMethod.Post, "assistants", new { name = "Other pager" });
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var all = ps.Run("Get-ClawdTalkAssistant -Name 'Pager*'").Ok().Objects<Assistant>();
            Assert.Equal(105, all.Count);
            var pages = _sb.Log(mark).Select(e => (string?)e["query"]).ToList();
            Assert.Equal(new[] { "pageSize=100&page=1&name=Pager", "pageSize=100&page=2&name=Pager" }, pages);
            Assert.Equal(2, ps.Run("Get-ClawdTalkAssistant -Name '*pager', 'Pager 10[45]'").Ok().Objects<Assistant>().Count(a => a.Name is "Pager 104" or "Pager 105"));
            Assert.Equal(new[] { "Pager 003", "Pager 004" }, ps.Run("Get-ClawdTalkAssistant -Name 'Pager*' -Skip 2 -First 2").Ok().Objects<Assistant>().Select(a => a.Name));
            // -IncludeTotalCount: the first assistant, then the count of all that match (its text made in the session)
            var total = ps.Run("$o = @(Get-ClawdTalkAssistant -Name 'Pager 00*' -IncludeTotalCount -First 1); $o[0].Name; \"$($o[-1])\"; $o.Count").Ok().Output.Select(o => o.ToString()).ToList();
            Assert.Equal("Pager 001", total[0]);
            Assert.Contains("9", total[1]);
            Assert.Equal("2", total[2]);
            var missing = ps.Run("Get-ClawdTalkAssistant -Name 'No such assistant'");
            missing.Error("AssistantNotFound", ErrorCategory.ObjectNotFound);
            Assert.Empty(missing.Output);
            Assert.Empty(ps.Run("Get-ClawdTalkAssistant -Name 'Nothing*'").Ok().Output);
            // by id, from the pipeline, with connection ids
            var one = ps.Run("Get-ClawdTalkAssistant -Name 'Pager 001' | Get-ClawdTalkAssistant -IncludeConnectionId").Ok().Single<Assistant>();
            Assert.StartsWith("conn_", one.TelephonyConnectionId);
            Assert.StartsWith("conn_", one.MessagingConnectionId);
            ps.Run("Get-ClawdTalkAssistant -AssistantId ast_999999").Error("AssistantNotFound");
        }

        [Fact]
        public void Set_sends_only_the_fields_given_and_names_complete()
        {
            using var ps = _sb.Session();
            var a = ps.Run("New-ClawdTalkAssistant -Name 'Negotiator Nell' -Instructions 'Start'").Ok().Single<Assistant>();
            var mark = _sb.Mark();
            var changed = ps.Run("$a | Set-ClawdTalkAssistant -Instructions 'Beat 1600 dollars' -PassThru", _sb.Vars(("a", a))).Ok().Single<Assistant>();
            Assert.Equal("Beat 1600 dollars", changed.Instructions);
            var body = LastBody(_sb.Log(mark), "PATCH", "^/v1/assistants/");
            Assert.Equal(new[] { "instructions" }, body.Properties().Select(p => p.Name));
            ps.Run("Set-ClawdTalkAssistant -AssistantId $id", _sb.Vars(("id", a.AssistantId))).Error("NothingToChange");
            Assert.Empty(ps.Run("Set-ClawdTalkAssistant -AssistantId $id -Greeting 'Hi' -WhatIf", _sb.Vars(("id", a.AssistantId))).Ok().Output);
            Assert.DoesNotContain(_sb.Log(mark), e => (string?)e["method"] == "PATCH" && ((string)e["body"]!).Contains("Hi"));

            string[] Complete(string line) => ps.Run("(TabExpansion2 $line $line.Length).CompletionMatches.CompletionText", _sb.Vars(("line", line))).Ok().Output.Select(o => o.ToString()).ToArray();
            Assert.Contains("'Negotiator Nell'", Complete("Get-ClawdTalkAssistant -Name Negot"));
            Assert.Contains(a.AssistantId, Complete("Set-ClawdTalkAssistant -AssistantId " + a.AssistantId[..6]));
            Assert.Contains("America/New_York", Complete("Register-ClawdTalkCall -TimeZone America/New_Y"));
        }

        [Fact]
        public void Numbers_are_listed_and_assigned_to_an_assistant_and_a_taken_number_needs_Force()
        {
            using var ps = _sb.Session();
            _sb.AddNumbers(1);
            var a = ps.Run("New-ClawdTalkAssistant -Name 'Number holder'").Ok().Single<Assistant>();
            var all = ps.Run("Get-ClawdTalkPhoneNumber").Ok().Objects<AccountPhoneNumber>();
            Assert.Contains(all, n => n.PhoneNumber == SandboxPhones.CallsFrom && !n.IsAvailable && n.ConnectionId == "conn_seed_voice");
            var free = ps.Run("Get-ClawdTalkPhoneNumber -Available").Ok().Objects<AccountPhoneNumber>();
            Assert.NotEmpty(free);
            Assert.All(free, n => Assert.True(n.IsAvailable));

            var mark = _sb.Mark();
            ps.Run("$n | Set-ClawdTalkPhoneNumber -AssistantId $a -WhatIf", _sb.Vars(("n", free[0]), ("a", a.AssistantId))).Ok();
            Assert.DoesNotContain(_sb.Log(mark), e => (string?)e["method"] == "PATCH");
            var assigned = ps.Run("$n | Set-ClawdTalkPhoneNumber -AssistantId $a -PassThru", _sb.Vars(("n", free[0]), ("a", a.AssistantId))).Ok().Single<AccountPhoneNumber>();
            Assert.False(assigned.IsAvailable);
            var patch = LastBody(_sb.Log(mark), "PATCH", "^/v1/numbers/account-phones/");
            Assert.Equal("voice", (string?)patch["type"]);
            Assert.StartsWith("conn_", (string?)patch["connection_id"]);

            var r = ps.Run("Set-ClawdTalkPhoneNumber -PhoneNumber '+1 212 555 0101' -AssistantId $a", _sb.Vars(("a", a.AssistantId)));
            r.Error("PhoneNumberInUse", ErrorCategory.ResourceBusy);
            ps.Run("Set-ClawdTalkPhoneNumber -PhoneNumber '+1 212 555 0999' -ConnectionId c").Error("PhoneNumberNotFound");
            ps.Run("Set-ClawdTalkPhoneNumber -PhoneNumberId ph_000001").Error("AssignmentTargetRequired");
        }
    }
}
