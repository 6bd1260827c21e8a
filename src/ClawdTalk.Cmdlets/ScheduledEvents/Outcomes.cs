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
        public static string Counts(IEnumerable<OutcomeGroup> groups) => Counts(groups, g => g);

        /// <summary>
        /// The same wording over any items, by <paramref name="group"/>; <paramref name="detail"/> words a closed group's
        /// members beside its count (`1 not reached (1 voicemail)`).
        /// </summary>
        public static string Counts<T>(IEnumerable<T> items, Func<T, OutcomeGroup> group, Func<IReadOnlyList<T>, string>? detail = null)
        {
            var list = items.Select(i => (item: i, g: group(i))).ToList();
            var parts = new List<string>();
            foreach (var g in new[] { OutcomeGroup.Reached, OutcomeGroup.NotReached, OutcomeGroup.Cancelled, OutcomeGroup.Open })
            {
                var members = list.Where(x => x.g == g).Select(x => x.item).ToList();
                if (members.Count == 0 && g != OutcomeGroup.Reached && g != OutcomeGroup.NotReached) continue;
                var words = detail == null || g == OutcomeGroup.Open || members.Count == 0 ? "" : $" ({detail(members)})";
                parts.Add($"{members.Count} {Word(g)}{words}");
            }
            return string.Join(", ", parts);
        }
    }
}
