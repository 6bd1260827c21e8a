using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using ClawdTalk.Tests.Calls;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Sms
{
    /// <summary>Send-ClawdTalkSms, Get-ClawdTalkMessage and Get-ClawdTalkConversation end to end against the sandbox.</summary>
    public class SmsTests : IClassFixture<FastSandbox>
    {
        readonly FastSandbox _sb;
        public SmsTests(FastSandbox sb) => _sb = sb;

        static JsonObject Body(JObject logEntry) => JsonNode.Parse((string)logEntry["body"]!)!.AsObject();

        [Fact]
        public void Send_normalizes_the_number_and_returns_the_message()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var m = ps.Run("Send-ClawdTalkSms -To '+1 (303) 555-0101' -Message 'Your table is ready.' -Force").Ok().Single<SmsMessage>();
            Assert.StartsWith("msg_", m.MessageId);
            Assert.Equal(SmsDirection.Outbound, m.Direction);
            Assert.Equal("+13035550101", m.To);
            Assert.Equal("+13035550101", m.Contact);
            Assert.Equal("Your table is ready.", m.Body);
            Assert.False(string.IsNullOrEmpty(m.From));
            Assert.Empty(m.MediaUrls);
            var body = Body(Assert.Single(_sb.Requests(mark, "POST", "/v1/messages/send")));
            Assert.Equal("+13035550101", (string?)body["to"]);
            Assert.Equal("Your table is ready.", (string?)body["message"]);
            Assert.False(body.ContainsKey("media_urls"));
        }

        [Fact]
        public void Media_urls_are_sent_and_kept_on_the_object()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var m = ps.Run("Send-ClawdTalkSms '+1 303 555 0102' 'Menu attached' -MediaUrl 'https://example.com/menu.png', 'http://example.com/a b.jpg'.Replace(' ', '%20') -Force")
                .Ok().Single<SmsMessage>();
            Assert.Equal(new[] { "https://example.com/menu.png", "http://example.com/a%20b.jpg" }, m.MediaUrls);
            var body = Body(Assert.Single(_sb.Requests(mark, "POST", "/v1/messages/send")));
            Assert.Equal(new[] { "https://example.com/menu.png", "http://example.com/a%20b.jpg" }, body["media_urls"]!.AsArray().Select(n => (string?)n));
        }

        [Fact]
        public void A_pipeline_of_recipients_sends_to_each_valid_one_once()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run(@"
                [pscustomobject]@{ PhoneNumber = '+1 303 555 0103' },
                [pscustomobject]@{ PhoneNumber = '+1 555 555 5555' },
                '+13035550104',
                '+1 (303) 555-0103' | Send-ClawdTalkSms -Message 'Reminder: 3pm' -Force");
            Assert.Equal(new[] { "+13035550103", "+13035550104" }, r.Objects<SmsMessage>().Select(m => m.To));
            Assert.Equal("InvalidPhoneNumber", Assert.Single(r.ErrorIds));
            Assert.Contains(r.Warnings, w => w.Contains("+13035550103") && w.Contains("already"));
            Assert.Equal(new[] { "+13035550103", "+13035550104" }, _sb.Requests(mark, "POST", "/v1/messages/send").Select(e => (string?)Body(e)["to"]));
        }

        [Fact]
        public void Objects_with_their_own_messages_are_a_mail_merge()
        {
            using var ps = _sb.Session();
            var r = ps.Run(@"
                [pscustomobject]@{ To = '+1 303 555 0105'; Message = 'Hi Ann' },
                [pscustomobject]@{ To = '+1 303 555 0106'; Message = 'Hi Bob' } | Send-ClawdTalkSms -Force").Ok();
            Assert.Equal(new[] { "Hi Ann", "Hi Bob" }, r.Objects<SmsMessage>().Select(m => m.Body));
        }

        [Fact]
        public void A_failed_delivery_is_an_error_and_the_other_recipients_still_get_theirs()
        {
            using var ps = _sb.Session();
            var r = ps.Run("'+1 303 555 0004', '+1 303 555 0107' | Send-ClawdTalkSms -Message 'Hello' -Force");
            Assert.Equal("+13035550107", r.Objects<SmsMessage>().Single().To);
            var e = Assert.Single(r.Errors);
            Assert.Equal("+13035550004", e.TargetObject);
            Assert.Contains("could not be delivered", e.ErrorDetails.Message);
            // the service's failure, worded as such: not ValidationFailed, not InvalidArgument (the input was right)
            Assert.Same(e, r.Error("MessageFailed", ErrorCategory.InvalidResult));
            Assert.Contains("The service could not do it", e.ErrorDetails.Message);
            Assert.DoesNotContain("rejected", e.ErrorDetails.Message);
        }

        [Theory]
        [InlineData("''", "EmptyMessage")]
        [InlineData("'   '", "EmptyMessage")]
        [InlineData("$null", "EmptyMessage")]
        [InlineData("('x' * 1601)", "MessageTooLong")]
        public void Bad_messages_are_refused_once_and_nothing_is_sent(string message, string errorId)
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run($"'+1 303 555 0108', '+1 303 555 0109' | Send-ClawdTalkSms -Message {message} -Force");
            Assert.Equal(errorId, Assert.Single(r.ErrorIds));
            r.Error(errorId, ErrorCategory.InvalidArgument);
            Assert.Empty(r.Output);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void A_message_of_exactly_1600_characters_is_sent()
        {
            using var ps = _sb.Session();
            var m = ps.Run("Send-ClawdTalkSms -To '+1 303 555 0110' -Message ('y' * 1600) -Force").Ok().Single<SmsMessage>();
            Assert.Equal(1600, m.Body.Length);
        }

        [Theory]
        [InlineData("ftp://example.com/a.png")]
        [InlineData("menu.png")]
        [InlineData("/images/menu.png")]
        [InlineData("http://")]
        [InlineData("https://exa mple.com/a.png")]
        [InlineData("file:///etc/passwd")]
        [InlineData("javascript:alert(1)")]
        [InlineData("")]
        public void Unusable_media_urls_are_InvalidMediaUrl_and_nothing_is_sent(string url)
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.Run("Send-ClawdTalkSms -To '+1 303 555 0111' -Message 'pic' -MediaUrl 'https://example.com/ok.png', $u -Force", _sb.Vars(("u", url)));
            r.Error("InvalidMediaUrl", ErrorCategory.InvalidArgument);
            Assert.Empty(r.Output);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void More_than_ten_attachments_are_refused()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            ps.Run("Send-ClawdTalkSms -To '+1 303 555 0112' -Message 'pics' -MediaUrl (1..11 | ForEach-Object { \"https://example.com/$_.png\" }) -Force")
                .Error("TooManyMediaUrls", ErrorCategory.InvalidArgument);
            Assert.Empty(_sb.Log(mark));
        }

        [Theory]
        [InlineData("+1 555 010 0000")]
        [InlineData("303 555 0113")]
        [InlineData("+1-800-FLOWERS")]
        public void Invalid_recipients_are_InvalidPhoneNumber_and_nothing_is_sent(string number)
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            ps.Run("Send-ClawdTalkSms -To $to -Message 'hi' -Force", _sb.Vars(("to", number))).Error("InvalidPhoneNumber", ErrorCategory.InvalidArgument);
            Assert.Empty(_sb.Log(mark));
        }

        [Fact]
        public void WhatIf_describes_and_sends_nothing()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var r = ps.RunFormatted("'+1 303 555 0114', '+1 303 555 0115' | Send-ClawdTalkSms -Message 'hi there' -WhatIf").Ok();
            Assert.Contains("+13035550114", r.HostText);
            Assert.Contains("+13035550115", r.HostText);
            Assert.Contains("billable", r.HostText);
            Assert.Empty(_sb.Log(mark));
        }

        /// <summary>Five messages with one contact (three out, two in) and one with another; returns the contact.</summary>
        string History(PsSession ps, string contact, string other)
        {
            foreach (var text in new[] { "out one", "out two" })
                ps.Run("Send-ClawdTalkSms -To $to -Message $m -Force", _sb.Vars(("to", contact), ("m", text))).Ok();
            _sb.Control("sms/inbound", $"{{\"from\":\"{contact}\",\"body\":\"in one\"}}");
            ps.Run("Send-ClawdTalkSms -To $to -Message 'out three' -Force", _sb.Vars(("to", contact))).Ok();
            ps.Run("Send-ClawdTalkSms -To $to -Message 'elsewhere' -Force", _sb.Vars(("to", other))).Ok();
            _sb.Control("sms/inbound", $"{{\"from\":\"{contact}\",\"body\":\"in two: \\n a longer reply that goes on and on past the width of the preview column, so it is cut\"}}");
            return contact;
        }

        [Fact]
        public void Get_message_filters_by_contact_and_direction_newest_first_with_paging()
        {
            using var ps = _sb.Session();
            var contact = History(ps, "+13035550120", "+13035550121");
            var vars = _sb.Vars(("c", "+1 (303) 555-0120"));

            var all = ps.Run("Get-ClawdTalkMessage -Contact $c", vars).Ok().Objects<SmsMessage>();
            Assert.Equal(5, all.Count);
            Assert.All(all, m => Assert.Equal(contact, m.Contact));
            Assert.StartsWith("in two", all[0].Body);
            Assert.Equal("out one", all[^1].Body);

            var inbound = ps.Run("Get-ClawdTalkMessage $c -Direction Inbound", vars).Ok().Objects<SmsMessage>();
            Assert.Equal(new[] { SmsDirection.Inbound, SmsDirection.Inbound }, inbound.Select(m => m.Direction!.Value));
            Assert.Equal(contact, inbound[0].From);

            var mark = _sb.Mark();
            var page = ps.Run("Get-ClawdTalkMessage -Contact $c -Skip 1 -First 2", vars).Ok().Objects<SmsMessage>();
            Assert.Equal(new[] { all[1].MessageId, all[2].MessageId }, page.Select(m => m.MessageId));
            var get = Assert.Single(_sb.Requests(mark, "GET", "/v1/messages"));
            Assert.Contains("limit=3", (string?)get["query"]);
            Assert.Contains("contact=+13035550120", (string?)get["query"]);

            // the engine's total-count object has a script ToString, which only runs inside the runspace: unwrap it there
            var counted = ps.Run("$r = Get-ClawdTalkMessage -Contact $c -Direction Outbound -First 1 -IncludeTotalCount; $r[0].ToString(); [uint64]$r[0]; $r[1]", vars).Ok();
            Assert.Equal("Total count: 3", counted.Output[0].ToString());
            Assert.Equal(3UL, (ulong)counted.Output[1].BaseObject);
            Assert.Equal("out three", counted.Objects<SmsMessage>().Single().Body);
        }

        [Fact]
        public void Conversations_show_the_latest_message_and_pipe_into_Get_message()
        {
            using var ps = _sb.Session();
            var contact = History(ps, "+13035550130", "+13035550131");
            var c = ps.Run("Get-ClawdTalkConversation -Contact '+1 303 555 0130'").Ok().Single<SmsConversation>();
            Assert.Equal(contact, c.Contact);
            Assert.StartsWith("in two", c.LastMessage!.Body); // the contract's shape: the text, a string
            Assert.Equal(5, c.MessageCount);
            Assert.NotNull(c.LastMessageAt);

            var all = ps.Run("Get-ClawdTalkConversation | Where-Object Contact -eq $c | Get-ClawdTalkMessage", _sb.Vars(("c", contact))).Ok().Objects<SmsMessage>();
            Assert.Equal(5, all.Count);
            Assert.Contains(ps.Run("Get-ClawdTalkConversation").Ok().Objects<SmsConversation>(), x => x.Contact == "+13035550131");
        }

        [Fact]
        public void Table_views_show_arrows_and_one_line_previews()
        {
            using var ps = _sb.Session();
            History(ps, "+13035550140", "+13035550141");
            var r = ps.RunFormatted("Get-ClawdTalkMessage -Contact '+13035550140'").Ok();
            Assert.Matches(@"Time\s+Dir\s+Contact\s+Status\s+Message", r.HostText);
            Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d\s+←\s+\+13035550140\s+received\s+in two: a longer reply", r.HostText);
            Assert.Matches(@"→\s+\+13035550140\s+sent\s+out three", r.HostText);
            Assert.Contains("…", r.HostText);
            Assert.DoesNotContain("cut", r.HostText); // the end of the long body is cut from the preview ...
            var full = ps.Run("(Get-ClawdTalkMessage -Contact '+13035550140' -First 1).Body").Ok();
            Assert.EndsWith("so it is cut", full.Output.Single().ToString()); // ... but the object carries all of it

            r = ps.RunFormatted("Get-ClawdTalkConversation -Contact '+13035550140'").Ok();
            Assert.Matches(@"Contact\s+Last\s+Count\s+Dir\s+LastMessage", r.HostText);
            // the contract's last_message is the text alone: no direction to show
            Assert.Matches(@"\+13035550140\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+5\s+in two", r.HostText);
        }
    }
}
