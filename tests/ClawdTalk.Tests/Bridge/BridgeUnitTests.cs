using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ClawdTalk.Api;
using ClawdTalk.Bridge;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>The bridge's pure parts: speech cleaning, the sensitive-action matcher, reply shapes, backoff, the log file.</summary>
    public class BridgeUnitTests
    {
        [Theory]
        [InlineData("Привет! Как дела?", "Привет! Как дела?")]
        [InlineData("Γειά σου κόσμε", "Γειά σου κόσμε")]
        [InlineData("你好，世界。明天见", "你好，世界。明天见")]
        [InlineData("مرحبا بالعالم", "مرحبا بالعالم")]
        [InlineData("नमस्ते दुनिया", "नमस्ते दुनिया")]
        [InlineData("Café 🎉 crème brûlée 👍🏽", "Café crème brûlée")]
        [InlineData("It costs $5 or €4, about 50% off.", "It costs $5 or €4, about 50% off.")]
        public void Speech_keeps_letters_of_every_script_and_drops_pictographs(string reply, string spoken) =>
            Assert.Equal(spoken, SpeechText.ForSpeech(reply));

        [Theory]
        [InlineData("**Sure** — I *added* it to `notes.md`.", "Sure — I added it to notes.md.")]
        [InlineData("See [the docs](https://example.com/docs) and ![chart](x.png)", "See the docs and chart")]
        [InlineData("# Plan\n- first step\n- second step\n\nDone", "Plan. first step. second step. Done")]
        [InlineData("Line one.\nLine two", "Line one. Line two")]
        [InlineData("> quoted\n```\ncode\n```", "quoted. code")]
        [InlineData("snake_case and __bold__", "snake_case and bold")]
        public void Speech_strips_markdown_and_collapses_newlines(string reply, string spoken) =>
            Assert.Equal(spoken, SpeechText.ForSpeech(reply));

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("HEARTBEAT_OK")]
        [InlineData("{\"tool\":\"message\",\"arguments\":{\"to\":\"x\"}}")]
        [InlineData("{\"name\":\"exec\",\"arguments\":\"ls\"}")]
        [InlineData("[{\"type\":\"tool_use\"}]")]
        [InlineData("🎉🎉")]
        public void Empty_replies_and_bare_tool_calls_become_Done(string reply) => Assert.Equal("Done.", SpeechText.ForSpeech(reply));

        [Fact]
        public void A_JSON_reply_object_is_spoken_by_its_text()
        {
            Assert.Equal("It's sunny.", SpeechText.ForSpeech("{\"reply\":\"It's sunny.\"}"));
            Assert.Equal("Hi there", SpeechText.ForSms("{\"text\":\"Hi there\"}"));
        }

        [Fact]
        public void Long_replies_are_cut_at_a_boundary_within_the_limits()
        {
            var sentence = "This sentence is exactly fifty characters long!! ";
            var speech = SpeechText.ForSpeech(string.Concat(Enumerable.Repeat(sentence, 100)));
            Assert.True(speech.Length <= 2000, $"{speech.Length}");
            Assert.True(speech.Length > 1000);
            var sms = SpeechText.ForSms(string.Concat(Enumerable.Repeat("word ", 1000)) + "end")!;
            Assert.True(sms.Length <= 1500, $"{sms.Length}");
            Assert.EndsWith("…", sms);
            var emoji = SpeechText.Cut(new string('a', 1498) + "😀😀😀", 1500);
            Assert.True(emoji.Length <= 1500);
            Assert.False(char.IsHighSurrogate(emoji[^2]) && !char.IsLowSurrogate(emoji[^1]), "a surrogate pair was cut in half");
        }

        [Fact]
        public void SMS_text_keeps_links_and_emoji_but_not_markdown()
        {
            Assert.Equal("Booked 🎉 see the menu (https://x.y/m)", SpeechText.ForSms("**Booked** 🎉 see [the menu](https://x.y/m)"));
            Assert.Null(SpeechText.ForSms("HEARTBEAT_OK"));
            Assert.Null(SpeechText.ForSms("{\"tool\":\"x\",\"arguments\":{}}"));
        }

        [Theory]
        [InlineData("delete the old backups", SensitiveActions.Removal)]
        [InlineData("Please remove John from the team", SensitiveActions.Removal)]
        [InlineData("send a message to the team channel", SensitiveActions.Message)]
        [InlineData("send an email to my boss", SensitiveActions.Message)]
        [InlineData("email John the report", SensitiveActions.Message)]
        [InlineData("Text Mom that I'm late", SensitiveActions.Message)]
        [InlineData("post it on LinkedIn", SensitiveActions.Message)]
        [InlineData("tweet the announcement", SensitiveActions.Message)]
        [InlineData("publish the blog draft", SensitiveActions.Message)]
        [InlineData("push my branch", SensitiveActions.System)]
        [InlineData("merge the pull request", SensitiveActions.System)]
        [InlineData("deploy to staging", SensitiveActions.System)]
        [InlineData("transfer 200 dollars to savings", SensitiveActions.Money)]
        [InlineData("make the payment for the invoice", SensitiveActions.Money)]
        [InlineData("purchase two tickets", SensitiveActions.Money)]
        [InlineData("buy milk online", SensitiveActions.Money)]
        [InlineData("commit the changes", SensitiveActions.System)]
        [InlineData("rename the repository to clawd", SensitiveActions.System)]
        [InlineData("write the summary into notes.md", SensitiveActions.System)]
        [InlineData("DELETE everything", SensitiveActions.Removal)]
        public void Sensitive_actions_are_recognised(string text, string action) => Assert.Equal(action, SensitiveActions.Default.Match(text));

        [Theory]
        [InlineData("what's the weather tomorrow")]
        [InlineData("is my pushover notification set up")]
        [InlineData("find the undeleted files")]
        [InlineData("read my latest emails")]
        [InlineData("any new messages from Bob?")]
        [InlineData("what did the repository README say")]
        [InlineData("how long is the commute")]
        [InlineData("")]
        public void Harmless_requests_are_not_sensitive(string text) => Assert.Null(SensitiveActions.Default.Match(text));

        [Theory]
        [InlineData("yes", true, false)]
        [InlineData("Yes, go ahead.", true, false)]
        [InlineData("ok do it", true, false)]
        [InlineData("yes but don't send it", false, false)]
        [InlineData("no", false, true)]
        [InlineData("cancel that", false, true)]
        [InlineData("what time is it", false, false)]
        public void Confirmations_are_explicit(string text, bool yes, bool no)
        {
            Assert.Equal(yes, Confirmation.IsYes(text));
            Assert.Equal(no, Confirmation.IsNo(text));
        }

        [Theory]
        [InlineData("{\"result\":{\"details\":{\"reply\":\"hi\"}}}", "hi", "details.reply")]
        [InlineData("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"reply\\\":\\\"hi\\\"}\"}]}}", "hi", "content.json")]
        [InlineData("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}}", "hi", "content.text")]
        [InlineData("{\"ok\":true,\"result\":{\"details\":{\"reply\":\"hi\",\"status\":\"ok\"}}}", "hi", "details.reply")]
        public void Gateway_replies_are_read_in_every_shape(string body, string reply, string shape)
        {
            var r = GatewayClient.Interpret(200, body);
            Assert.Equal(GatewayReplyKind.Reply, r.Kind);
            Assert.Equal(reply, r.Text);
            Assert.Equal(shape, r.Shape);
        }

        [Theory]
        [InlineData("{\"result\":{\"details\":{\"status\":\"accepted\"}}}")]
        [InlineData("{\"result\":{\"details\":{\"status\":\"pending\",\"runId\":\"r1\"}}}")]
        [InlineData("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"status\\\":\\\"accepted\\\"}\"}]}}")]
        [InlineData("{\"result\":{}}")]
        [InlineData("")]
        public void A_delivery_without_a_reply_is_accepted_not_answered(string body) =>
            Assert.Equal(GatewayReplyKind.Accepted, GatewayClient.Interpret(200, body).Kind);

        [Theory]
        [InlineData(404, "GatewayToolNotAllowed", "gateway.tools.allow")]
        [InlineData(401, "GatewayUnauthorized", "gateway_token")]
        [InlineData(403, "GatewayUnauthorized", "gateway.auth.token")]
        [InlineData(500, "GatewayError", "HTTP 500")]
        [InlineData(504, "GatewayTimeout", "timed out")]
        public void Gateway_failures_have_stable_error_ids(int status, string errorId, string says)
        {
            var ex = Assert.Throws<GatewayException>(() => GatewayClient.Interpret(status, "{\"error\":{\"message\":\"from the gateway\"}}"));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Contains(says, ex.Message);
            Assert.Contains("from the gateway", ex.Message);
        }

        [Fact]
        public void A_gateway_error_body_with_200_is_an_error() =>
            Assert.Equal("GatewayError", Assert.Throws<GatewayException>(() => GatewayClient.Interpret(200, "{\"ok\":false,\"error\":{\"message\":\"tool failed\"}}")).ErrorId);

        [Fact]
        public async System.Threading.Tasks.Task The_gateway_call_carries_the_token_the_session_key_and_the_timeouts()
        {
            using var server = new ScriptedServer { Fallback = new ScriptedServer.Reply(200, "{\"result\":{\"details\":{\"reply\":\"pong\"}}}") };
            var token = Keys.NewGatewayToken();
            var client = new GatewayClient(GatewaySettings.ParseUrl(server.Url + "/v1/chat/completions"), token);
            var reply = await client.SendAsync("agent:main:main", "[VOICE CALL] hi\nping", 90, TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.Equal("pong", reply.Text);
            var request = Assert.Single(server.Requests);
            Assert.Equal("POST", request.Method);
            Assert.Equal("/tools/invoke", request.Path);
            Assert.Equal("Bearer " + token, request.Headers["Authorization"]);
            var body = JObject.Parse(request.Body);
            Assert.Equal("sessions_send", (string?)body["tool"]);
            Assert.Equal("agent:main:main", (string?)body["args"]!["sessionKey"]);
            Assert.Equal("[VOICE CALL] hi\nping", (string?)body["args"]!["message"]);
            Assert.Equal(90, (int)body["args"]!["timeoutSeconds"]!);
        }

        [Fact]
        public async System.Threading.Tasks.Task A_gateway_that_hangs_or_is_down_fails_with_its_own_error_id()
        {
            using var server = new ScriptedServer().Then(new ScriptedServer.Reply(200, Hang: true));
            var hung = new GatewayClient(new Uri(server.Url), null);
            var timeout = await Assert.ThrowsAsync<GatewayException>(() => hung.SendAsync("agent:a:main", "x", 90, TimeSpan.FromMilliseconds(300), CancellationToken.None));
            Assert.Equal("GatewayTimeout", timeout.ErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, timeout.Category);

            var gone = new ScriptedServer();
            var url = gone.Url;
            gone.Dispose();
            var down = await Assert.ThrowsAsync<GatewayException>(() => new GatewayClient(new Uri(url), null).SendAsync("agent:a:main", "x", 90, TimeSpan.FromSeconds(5), CancellationToken.None));
            Assert.Equal("GatewayUnreachable", down.ErrorId);
            Assert.Contains("OpenClaw", down.Message);
        }

        [Theory]
        [InlineData("http://127.0.0.1:18789", "http://127.0.0.1:18789/")]
        [InlineData("http://127.0.0.1:18789/v1/chat/completions", "http://127.0.0.1:18789/")]
        [InlineData("https://gw.example.com/base/tools/invoke", "https://gw.example.com/base/")]
        public void Gateway_urls_are_normalised_to_the_root(string given, string root) => Assert.Equal(root, GatewaySettings.ParseUrl(given).AbsoluteUri);

        [Fact]
        public void Bad_or_insecure_gateway_urls_are_refused()
        {
            Assert.Equal("InvalidGatewayUrl", Assert.Throws<ClawdTalkException>(() => GatewaySettings.ParseUrl("ftp://x")).ErrorId);
            Assert.Equal("InvalidGatewayUrl", Assert.Throws<ClawdTalkException>(() => GatewaySettings.ParseUrl("http://user:pw@x")).ErrorId);
            Assert.Equal("InsecureGateway", Assert.Throws<ClawdTalkException>(() => GatewaySettings.CheckSecure(new Uri("http://gw.example.com/"), true, false)).ErrorId);
            GatewaySettings.CheckSecure(new Uri("http://gw.example.com/"), true, allowInsecure: true);
            GatewaySettings.CheckSecure(new Uri("http://[::1]:18789/"), true, false);
        }

        [Fact]
        public void The_agent_id_comes_from_the_gateway_config_when_nothing_else_names_it()
        {
            var gw = JObject.Parse("{\"gateway\":{\"port\":19999,\"auth\":{\"token\":\"from-file\"}},\"agents\":{\"list\":[{\"id\":\"work\"},{\"id\":\"home\",\"default\":true}]}}");
            Assert.Equal("home", GatewaySettings.ResolveAgentId(null, new JObject(), "c.json", gw));
            Assert.Equal("cfg", GatewaySettings.ResolveAgentId(null, new JObject { ["agent_id"] = "cfg" }, "c.json", gw));
            Assert.Equal("param", GatewaySettings.ResolveAgentId("param", new JObject { ["agent_id"] = "cfg" }, "c.json", gw));
            Assert.Equal("main", GatewaySettings.ResolveAgentId(null, new JObject(), "c.json", null));
        }

        [Theory]
        [InlineData("+1 (555) 000-2001", "+15550002001")]
        [InlineData("+447911123456", "+447911123456")]
        [InlineData("5550002001", null)]
        [InlineData("not a number", null)]
        public void Allowlist_numbers_are_normalised_to_E164(string given, string? e164) => Assert.Equal(e164, PhoneText.Normalize(given));

        static BridgeRunner Runner(BridgeOptions o) =>
            new(o, new ApiClient(new ClawdTalkConnection(new Uri("http://127.0.0.1:9/v1/"), "k", "test")), new BridgeLogger("u", false, false));

        [Fact]
        public void Reconnect_delays_double_to_the_cap_with_jitter()
        {
            var runner = Runner(new BridgeOptions { WebSocketUri = new Uri("ws://127.0.0.1:9/ws") });
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var samples = Enumerable.Range(0, 50).Select(_ => runner.Backoff(attempt)).ToList();
                var nominal = Math.Min(180, 5 * Math.Pow(2, attempt));
                Assert.All(samples, s => Assert.Equal(nominal, s.nominal.TotalSeconds, 3));
                Assert.All(samples, s => Assert.InRange(s.delay.TotalSeconds, nominal * 0.8 - 1e-9, Math.Min(180, nominal * 1.2) + 1e-9));
                Assert.True(samples.Select(s => s.delay).Distinct().Count() > 10, "no jitter");
            }
        }

        [Fact]
        public void Outcome_reports_read_like_sentences()
        {
            static string Say(string json) => CallOutcomes.Describe(JObject.Parse(json)).Text;
            Assert.Equal("The call to +15550000003 went to voicemail; the message left was: \"Hello there\" (call c1)",
                Say("{\"call_id\":\"c1\",\"direction\":\"outbound\",\"outcome\":\"voicemail\",\"to_number\":\"+15550000003\",\"voicemail_message\":\"Hello there\"}"));
            Assert.Equal("The call to +15550000002 got a busy signal.", Say("{\"direction\":\"outbound\",\"outcome\":\"busy\",\"to_number\":\"+15550000002\"}"));
            Assert.Equal("The call to +15550000004 failed to connect (carrier rejected).",
                Say("{\"direction\":\"outbound\",\"outcome\":\"failed\",\"reason\":\"carrier rejected\",\"to_number\":\"+15550000004\"}"));
            Assert.Equal("An inbound call ended after 1 second.", Say("{\"direction\":\"inbound\",\"outcome\":\"answered\",\"duration_seconds\":1}"));
        }

        [Fact]
        public void The_log_file_rotates_and_keeps_the_newest_files()
        {
            var dir = TestEnvironment.NewTempDir();
            var path = Path.Combine(dir, "bridge.log");
            var file = new RotatingLogFile(path, 2000, 2, BridgeLogLevel.Information);
            var log = new BridgeLogger("u", false, false, "a-secret-value");
            log.Add(file);
            for (var i = 0; i < 100; i++) log.Write(BridgeLogLevel.Information, "e", $"record {i} with a-secret-value inside");
            log.Write(BridgeLogLevel.Verbose, "v", "not written below Information");
            file.Dispose();
            var files = Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(n => n).ToList();
            Assert.Equal(new[] { "bridge.1.log", "bridge.2.log", "bridge.log" }, files);
            Assert.All(Directory.GetFiles(dir), f => Assert.True(new FileInfo(f).Length <= 2000));
            var newest = File.ReadAllLines(path);
            Assert.Contains("record 99", newest[^1]);
            Assert.All(Directory.GetFiles(dir).SelectMany(File.ReadAllLines), l => Assert.DoesNotContain("a-secret-value", l));
            Assert.DoesNotContain(Directory.GetFiles(dir).SelectMany(File.ReadAllLines), l => l.Contains("not written"));
        }

        [Fact]
        public void The_bounded_cache_forgets_the_oldest()
        {
            var cache = new BoundedCache<int>(3);
            for (var i = 0; i < 5; i++) Assert.True(cache.Add("k" + i, i));
            Assert.False(cache.Add("k4", 4));
            Assert.Equal(3, cache.Count);
            Assert.False(cache.TryGet("k0", out _));
            Assert.True(cache.TryGet("k4", out var v) && v == 4);
        }
    }
}
