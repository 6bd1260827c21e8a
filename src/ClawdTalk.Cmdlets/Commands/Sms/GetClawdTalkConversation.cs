using ClawdTalk.Commands.Calls;
using ClawdTalk.Numbers;

namespace ClawdTalk.Commands.Sms
{
    /// <summary>Lists SMS conversations, one per contact with its latest message (`GET /messages/conversations`).</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkConversation")]
    [OutputType(typeof(SmsConversation))]
    public sealed class GetClawdTalkConversationCommand : ClawdTalkCmdlet
    {
        /// <summary>Only the conversation with this number.</summary>
        [Parameter(Position = 0)]
        [Alias("PhoneNumber", "Number")]
        [ArgumentCompleter(typeof(ContactCompleter))]
        public string? Contact { get; set; }

        protected override void Process()
        {
            var contact = Contact == null ? null : E164.Normalize(Contact, "contact", E164.Strictness.Possible);
            var list = Run(ct => Comms.ListConversationsAsync(ct));
            var history = Session.Feature(() => new CommsHistory());
            foreach (var c in list)
            {
                if (contact != null && !SameNumber(c.Contact, contact)) continue;
                if (c.Contact.Length > 0) history.Contact(c.Contact, "conversation: " + CommsResponses.Preview(c.LastMessage?.Body, 40));
                WriteObject(c);
            }
        }

        static bool SameNumber(string listed, string wanted) =>
            listed == wanted || (E164.TryNormalize(listed, out var n, E164.Strictness.Possible) && n == wanted);
    }
}
