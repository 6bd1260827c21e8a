using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>One conversation whose insights are asked for, with what labels its output (copied off the parameters).</summary>
    internal sealed class InsightAsk
    {
        public string ConversationId = "";
        public string? Slug, MissionId, RunId, StepId;
        public Stopwatch Watch = Stopwatch.StartNew();
        public int Reads;
    }

    /// <summary>
    /// Waits for conversation insights (`GET /missions/conversations/{id}/insights`) until the service has completed
    /// them: one read, or polling with at most <see cref="Concurrency"/> reads in flight across every conversation; the
    /// interval is service time (divided by the sandbox's time scale); an unreachable service goes to the
    /// <see cref="ServiceOutage"/> (a warning at once, a terminating error after the grace period). No cmdlet.
    /// </summary>
    internal sealed class InsightFetcher
    {
        /// <summary>Conversations read at once; the others wait for a free slot.</summary>
        internal const int Concurrency = 8;

        readonly MissionsApi _missions;
        readonly ClawdTalkConnection _connection;
        readonly SemaphoreSlim _slots = new SemaphoreSlim(Concurrency, Concurrency);

        public InsightFetcher(MissionsApi missions, ClawdTalkConnection connection, TimeSpan timeout, TimeSpan pollInterval, bool noWait, ServiceOutage outage)
        {
            _missions = missions;
            _connection = connection;
            Timeout = timeout;
            PollInterval = pollInterval;
            NoWait = noWait;
            Outage = outage;
        }

        public TimeSpan Timeout { get; }
        public TimeSpan PollInterval { get; }
        public bool NoWait { get; }
        public ServiceOutage Outage { get; }

        /// <summary>One read: the completed insights (or, with NoWait, whatever there is); null when not completed yet.</summary>
        public async Task<List<JObject>?> ReadAsync(InsightAsk ask, CancellationToken ct)
        {
            ask.Reads++;
            var token = await _missions.InsightsAsync(ask.ConversationId, ct).ConfigureAwait(false);
            Outage.Answered();
            var items = Json.UnwrapList(token, "insights", "conversations");
            var completed = items.Where(i => string.Equals(Json.Str(i, "status"), "completed", StringComparison.OrdinalIgnoreCase)).ToList();
            if (completed.Count > 0) return completed;
            if (NoWait) return items.ToList();
            if (ask.Watch.Elapsed >= Timeout)
                throw new ClawdTalkException(ErrorIds.InsightTimeout, ErrorCategory.OperationTimeout,
                    $"The insights of conversation {ask.ConversationId} were not completed within {Timeout.TotalSeconds:0.#} s ({ask.Reads} reads; last status: {Json.Str(items.FirstOrDefault(), "status") ?? "none"}).", ask.ConversationId)
                { RecommendedAction = "Run Get-ClawdTalkInsight again later, or with a longer -Timeout." };
            return null;
        }

        /// <summary>
        /// Polls one conversation until its insights are completed and returns them. Throws InsightTimeout (or the read's
        /// error); throws the outage's terminating error once the service has been unreachable for the grace period.
        /// </summary>
        public async Task<List<JObject>> PollAsync(InsightAsk ask, CancellationToken ct)
        {
            while (true)
            {
                var left = Timeout - ask.Watch.Elapsed;
                var wait = Outage.Next(_connection.Real(PollInterval));
                await Task.Delay(wait < left ? wait : left < TimeSpan.Zero ? TimeSpan.Zero : left, ct).ConfigureAwait(false);
                await _slots.WaitAsync(ct).ConfigureAwait(false);
                List<JObject>? done;
                try { done = await ReadAsync(ask, ct).ConfigureAwait(false); }
                catch (ClawdTalkException ex) when (ServiceOutage.IsOutage(ex) && ask.Watch.Elapsed < Timeout)
                {
                    Outage.Failed(ex); // a warning at once; a terminating error once the grace period has passed
                    continue;
                }
                finally { _slots.Release(); }
                if (done != null) return done;
            }
        }
    }
}
