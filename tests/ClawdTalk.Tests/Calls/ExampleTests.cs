using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Calls
{
    /// <summary>examples/calls-and-sms.ps1 runs as published, in a session connected to the sandbox.</summary>
    public class ExampleTests : IClassFixture<MinuteSandbox>
    {
        readonly MinuteSandbox _sb;
        public ExampleTests(MinuteSandbox sb) => _sb = sb;

        static string Script => Path.Combine(ModuleLocation.RepoRoot, "examples", "calls-and-sms.ps1");

        [Fact]
        public async Task The_calls_and_sms_example_runs_after_the_owner_approves()
        {
            using var ps = _sb.Session();
            var mark = _sb.Mark();
            var before = ((JArray)_sb.Api("approvals")).Select(a => (string?)a!["request_id"]).ToHashSet();
            var run = Task.Run(() => ps.Run("& $script -RequireApproval -ApprovalTimeout 600", _sb.Vars(("script", Script))));
            var request = SandboxHarness.WaitFor(
                () => ((JArray)_sb.Api("approvals?status=pending")).FirstOrDefault(a => !before.Contains((string?)a!["request_id"])
                    && ((string?)a["action"] ?? "").StartsWith("Call and text 4 guests", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(15), "the example's approval request");
            _sb.Control($"approvals/{(string)request!["request_id"]!}/respond", "{\"decision\":\"approved\"}");
            var r = (await run.WaitAsync(TimeSpan.FromSeconds(60))).Ok();

            var text = r.Output.Where(o => o.BaseObject is string).Select(o => (string)o.BaseObject).ToList();
            Assert.Contains("Approved on 1 device(s).", text);
            var calls = r.Objects<DirectCall>();
            Assert.Equal(new[] { "answered", "voicemail", "busy", "failed" }, calls.Select(c => c.Outcome));
            // the texts the round sent come before the inbox listing (conversations, then the latest messages)
            var texts = r.Output.TakeWhile(o => o.BaseObject is not SmsConversation).Select(o => o.BaseObject).OfType<SmsMessage>().ToList();
            Assert.Equal(new[] { "+12125550003", "+12125550002" }, texts.Select(m => m.To));
            Assert.Contains(text, t => t.StartsWith("Could not text +12125550004", StringComparison.Ordinal));
            Assert.NotEmpty(r.Objects<SmsConversation>());
            Assert.Contains("Round done: 1 answered, 2 texted, 1 unreachable.", text);

            // the owner's ring was hung up, and only the four guests were called besides
            Assert.Equal(5, _sb.Requests(mark, "POST", "/v1/calls").Count(e => !((string)e["path"]!).EndsWith("/end", StringComparison.Ordinal)));
            Assert.Single(_sb.Requests(mark, "POST", "/v1/calls/"), e => ((string)e["path"]!).EndsWith("/end", StringComparison.Ordinal));
            Assert.Equal(3, _sb.Requests(mark, "POST", "/v1/messages/send").Count);
        }

        [Fact]
        public void The_example_sends_nothing_when_no_owner_device_can_be_asked()
        {
            using var ps = _sb.Session();
            _sb.Control("devices", "{\"count\":0}");
            try
            {
                var mark = _sb.Mark();
                var r = ps.Run("& $script -RequireApproval", _sb.Vars(("script", Script))).Ok();
                Assert.Equal("Not approved (NoDevices); nothing was sent.", r.Output.Single().ToString());
                Assert.Single(_sb.Log(mark)); // the approval request only
            }
            finally
            {
                _sb.Control("devices", "{\"count\":1}");
            }
        }
    }
}
