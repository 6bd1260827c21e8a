using ClawdTalk.Commands.Calls;
using ClawdTalk.Numbers;

namespace ClawdTalk.Commands.Sms
{
    /// <summary>
    /// Lists text messages, newest first (`GET /messages`), by contact and direction. Paging: -First, -Skip, -IncludeTotalCount.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkMessage", SupportsPaging = true)]
    [OutputType(typeof(SmsMessage))]
    public sealed class GetClawdTalkMessageCommand : ClawdTalkCmdlet
    {
        /// <summary>How many messages one call reads when -First is not given.</summary>
        internal const int DefaultCount = 50;

        /// <summary>Only messages with this number (sent to it or received from it).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PhoneNumber", "Number")]
        [ArgumentCompleter(typeof(ContactCompleter))]
        public string? Contact { get; set; }

        [Parameter]
        public SmsDirection? Direction { get; set; }

        protected override void Process()
        {
            var contact = Contact == null ? null : E164.Normalize(Contact, "contact", E164.Strictness.Possible);
            var firstGiven = MyInvocation.BoundParameters.ContainsKey("First");
            var skip = PagingParameters.Skip;
            var first = firstGiven ? PagingParameters.First : DefaultCount;
            if (first == 0 && !PagingParameters.IncludeTotalCount) return;
            var limit = (long)Math.Min((ulong)int.MaxValue, Math.Max(1UL, SafeAdd(first, skip)));

            var direction = Direction == null ? null : Direction == SmsDirection.Inbound ? "inbound" : "outbound";
            var (list, total) = Run(ct => Comms.ListMessagesAsync((int)limit, contact, direction, ct));

            if (PagingParameters.IncludeTotalCount)
                WriteObject(PagingParameters.NewTotalCount((ulong)(total ?? list.Count), total.HasValue ? 1.0 : 0.5));
            var history = Session.Feature(() => new CommsHistory());
            var written = 0UL;
            foreach (var m in list.Skip((int)Math.Min(skip, (ulong)int.MaxValue)))
            {
                if (written >= first) break;
                if (m.Contact != null) history.Contact(m.Contact, $"{m.Direction}: {CommsResponses.Preview(m.Body, 40)}");
                WriteObject(m);
                written++;
            }
            if (!firstGiven && total.HasValue && total.Value > list.Count)
                WriteWarning($"Showing the latest {Math.Min((long)written, total.Value)} of {total.Value} messages; use -First to see more.");
        }

        static ulong SafeAdd(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;
    }
}
