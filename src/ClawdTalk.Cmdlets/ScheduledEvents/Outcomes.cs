using System.Collections.Generic;
using System.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// The one wording of how a call or text ended, for every view, Wait-ClawdTalkEvent's progress line, the run's timeline
    /// and the mission report: reached (a call answered, a text sent), not reached (voicemail, no answer, busy, failed: nobody
    /// was spoken to, though a voicemail may hold a message), cancelled, or still open. The sandbox's dashboard says the same
    /// in its own code.
    /// </summary>
    internal static class Outcomes
    {
        /// <param name="ended">The event or call is over.</param>
        /// <param name="outcome">Its outcome word, else its call status, else its status (answered, voicemail, busy, sent, completed…).</param>
        /// <param name="failed">The service marked it failed.</param>
        public static OutcomeGroup Group(bool isCall, bool ended, string? outcome, bool failed)
        {
            if (!ended) return OutcomeGroup.Open;
            var s = ScheduledEvent.Norm(outcome);
            if (s == "canceled" || s == "cancelled") return OutcomeGroup.Cancelled;
            if (failed) return OutcomeGroup.NotReached;
            if (isCall) return s == "answered" || s == "completed" || s == "" ? OutcomeGroup.Reached : OutcomeGroup.NotReached;
            return s == "failed" || s == "undelivered" ? OutcomeGroup.NotReached : OutcomeGroup.Reached;
        }

        public static string Word(OutcomeGroup g) => g switch
        {
            OutcomeGroup.Reached => "reached",
            OutcomeGroup.NotReached => "not reached",
            OutcomeGroup.Cancelled => "cancelled",
            _ => "open",
        };

        /// <summary>`2 reached, 1 not reached, 1 open`: reached and not reached always, the others when there are any.</summary>
        public static string Counts(IEnumerable<OutcomeGroup> groups)
        {
            var list = groups.ToList();
            int N(OutcomeGroup g) => list.Count(x => x == g);
            var parts = new List<string> { $"{N(OutcomeGroup.Reached)} reached", $"{N(OutcomeGroup.NotReached)} not reached" };
            if (N(OutcomeGroup.Cancelled) > 0) parts.Add($"{N(OutcomeGroup.Cancelled)} cancelled");
            if (N(OutcomeGroup.Open) > 0) parts.Add($"{N(OutcomeGroup.Open)} open");
            return string.Join(", ", parts);
        }
    }
}
