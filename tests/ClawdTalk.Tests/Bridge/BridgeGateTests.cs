using System;
using System.Linq;
using ClawdTalk.Bridge;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// The approval gate's vocabulary: destructive and outward-facing requests ask, in every inflection; questions about
    /// things (even about a deployment or a payment) do not; owners add and remove words.
    /// </summary>
    public class BridgeGateTests
    {
        [Theory]
        [InlineData("drop the users table in production")]
        [InlineData("destroy the staging server")]
        [InlineData("delete the old backups")]
        [InlineData("I'm deleting the logs now, go")]
        [InlineData("make sure the cache gets deleted")]
        [InlineData("remove Bob from the admins")]
        [InlineData("wipe my laptop")]
        [InlineData("erase the whiteboard notes")]
        [InlineData("truncate the events table")]
        [InlineData("purge the CDN cache")]
        [InlineData("kill the worker process")]
        [InlineData("terminate the EC2 instance")]
        [InlineData("shut down the database")]
        [InlineData("shutting down the cluster would help, do it")]
        [InlineData("reset the router")]
        [InlineData("revoke Alice's token")]
        [InlineData("disable two-factor on the account")]
        [InlineData("get rid of the old branches")]
        [InlineData("send the report to the board")]
        [InlineData("forward this to Alice")]
        [InlineData("reply to Bob that I agree")]
        [InlineData("email the landlord about the leak")]
        [InlineData("text Mom that I'm late")]
        [InlineData("post the photos on Instagram")]
        [InlineData("tweet that we launched")]
        [InlineData("publish the draft")]
        [InlineData("share the folder with the contractor")]
        [InlineData("invite Carol to the meeting")]
        [InlineData("pay the electricity bill")]
        [InlineData("transfer 500 dollars to savings")]
        [InlineData("wire the deposit to the lawyer")]
        [InlineData("buy two tickets for Saturday")]
        [InlineData("purchase the annual plan")]
        [InlineData("order a pizza")]
        [InlineData("book a table for two at eight")]
        [InlineData("subscribe me to the newsletter")]
        [InlineData("cancel my Netflix subscription")]
        [InlineData("refund the customer")]
        [InlineData("deploy the hotfix")]
        [InlineData("push the branch")]
        [InlineData("force-push to main")]
        [InlineData("merge the pull request")]
        [InlineData("commit everything")]
        [InlineData("release version two")]
        [InlineData("roll back the last deploy")]
        [InlineData("rollback production")]
        [InlineData("change my password")]
        [InlineData("reset the API keys")]
        [InlineData("update the permissions on the shared drive")]
        [InlineData("change the firewall settings")]
        [InlineData("grant Dave admin access")]
        [InlineData("can you delete that file?")]
        [InlineData("what's the weather, then delete my spam folder")]
        [InlineData("Hey Clawd, please drop the staging database")]
        public void Destructive_and_outward_requests_ask(string text) => Assert.NotNull(SensitiveActions.Default.Match(text));

        [Theory]
        [InlineData("what's the weather")]
        [InlineData("tell me about my day")]
        [InlineData("how is the deployment going?")]
        [InlineData("did the payment go through?")]
        [InlineData("what's on my calendar tomorrow")]
        [InlineData("read my latest texts")]
        [InlineData("any replies from Bob?")]
        [InlineData("I'm looking forward to the weekend")]
        [InlineData("summarise the book I'm reading")]
        [InlineData("what was the last commit about")]
        [InlineData("check the order status")]
        [InlineData("find the release notes")]
        [InlineData("remind me what the settings page said")]
        [InlineData("is the server up")]
        public void Questions_and_reading_do_not_ask(string text) => Assert.Null(SensitiveActions.Default.Match(text));

        [Theory]
        [InlineData("delete", new[] { "delete", "deletes", "deleted", "deleting" })]
        [InlineData("drop", new[] { "drop", "drops", "dropped", "dropping" })]
        [InlineData("reply", new[] { "reply", "replies", "replied", "replying" })]
        [InlineData("push", new[] { "push", "pushes", "pushed", "pushing" })]
        [InlineData("send", new[] { "send", "sends", "sent", "sending" })]
        [InlineData("pay", new[] { "pay", "pays", "paid", "paying" })]
        [InlineData("commit", new[] { "commit", "commits", "committed", "committing" })]
        public void Verbs_match_in_every_inflection(string verb, string[] forms) =>
            Assert.Empty(forms.Except(SensitiveActions.Inflections(verb)));

        [Fact]
        public void Owners_add_and_remove_words()
        {
            var gate = new SensitiveActions(add: new[] { "archive", "lock out" }, remove: new[] { "post", "order" });
            Assert.Equal(SensitiveActions.Custom, gate.Match("archive the old project"));
            Assert.Equal(SensitiveActions.Custom, gate.Match("archiving everything from 2019 now"));
            Assert.Equal(SensitiveActions.Custom, gate.Match("lock out the intern"));
            Assert.Null(gate.Match("post the photos on Instagram"));
            Assert.Null(gate.Match("order a pizza"));
            Assert.NotNull(gate.Match("delete the photos")); // the rest of the list stays
            Assert.Null(SensitiveActions.Default.Match("archive the old project"));
        }

        [Fact]
        public void Approval_words_are_checked_and_normalised()
        {
            Assert.Equal(new[] { "lock out", "archive" }, ApprovalWords.Checked(new[] { "  Lock   Out ", "archive", "ARCHIVE" }));
            var ex = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => ApprovalWords.Checked(new[] { "rm -rf /*" }));
            Assert.Equal("InvalidApprovalWord", ex.ErrorId);
        }
    }
}
