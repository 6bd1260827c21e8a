using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>
    /// The retries of a poll tick (Invoke-ClawdTalkPoll is its caller): for each call of the mission that ended no-answer,
    /// busy or failed, while the mission's policy allows more, a new attempt through the one retry path
    /// (<see cref="RetryScheduler"/>), with its run event and memory. Plain inputs and a sink, no cmdlet.
    /// </summary>
    internal sealed class TickRetries
    {
        readonly ScheduledEventsApi _events;
        readonly MissionsApi _missions;
        readonly MissionStateStore _store;
        readonly IScheduleSink _sink;

        public TickRetries(ScheduledEventsApi events, MissionsApi missions, MissionStateStore store, IScheduleSink sink)
        {
            _events = events; _missions = missions; _store = store; _sink = sink;
        }

        /// <summary>Set when the service has ended the run as failed or cancelled: no retry, and the tick follows that end.</summary>
        public bool RunEnded { get; private set; }

        /// <summary>Schedules a new attempt for each call that ended no-answer, busy or failed, while the policy allows more.</summary>
        public List<string> Retry(string slug, MissionTarget t, JObject entry, List<EventRecord> records, Action<IEnumerable<EventRecord>> save)
        {
            var created = new List<string>();
            var retrier = new RetryScheduler(_events, _missions, _store, new EventLedger(_store), new PostedReport(_sink));
            var policy = EventRecords.Policy(entry);
            var maxAttempts = policy.MaxAttempts;
            foreach (var r in records.Where(r => r.IsRetryableFailure && r.RetriedBy == null && !r.Handled).ToList())
            {
                // the attempt as the scheduled-event records know it (a retry Wait-ClawdTalkEvent scheduled is not a first attempt)
                var known0 = EventRecords.Read(_store.Require(slug)).FirstOrDefault(x => Json.Str(x, "event_id") == r.Id);
                var attemptSoFar = Math.Max(r.Attempt, Json.Int(known0, "attempt") ?? 1);
                if (attemptSoFar >= maxAttempts) continue;
                var aid = r.AssistantId ?? Json.Str(entry, StateKeys.AssistantId);
                var from = r.From ?? Json.Str(entry, StateKeys.AgentPhone);
                if (aid == null || r.To == null || from == null)
                {
                    _sink.Warning($"The {r.Describe()} ({r.Id}) cannot be retried: its assistant, callee or caller number is unknown.");
                    continue;
                }
                var ended = EventLedger.FromRecord(r.Json, slug, t.MissionId, t.RunId);
                ended.AssistantId = aid; ended.From = from; ended.Channel = ScheduledEventChannel.Call; ended.Attempt = attemptSoFar;
                var at = RetryScheduler.When(policy, attemptSoFar, ended, _events.Client.Connection.Clock); // the service's clock: a sandbox's runs faster
                var attempt = attemptSoFar + 1;
                var record = r;
                // the one retry path (ScheduledEvents/RetryScheduler, Wait-ClawdTalkEvent's too): reserved under the key every
                // retrier takes, sent once or adopted, both attempts recorded with the end of the reservation, logged on the run
                var result = _sink.Call(ct => retrier.RetryAsync(new RetryRequest
                {
                    Ended = ended, Slug = slug, At = at, Attempt = attempt, Target = r.Describe(),
                    Known = new HashSet<string>(records.Select(x => x.Id), StringComparer.Ordinal),
                    RunEvent = (next, when) =>
                    {
                        var body = new JObject
                        {
                            ["type"] = Wire.Event(MissionEventType.Custom), ["agent_id"] = MissionEntries.DefaultAgentId,
                            ["summary"] = $"The {record.Describe()} ended {record.Outcome}; retrying (attempt {attempt} of {maxAttempts}) at {ApiText.Iso(when)}.",
                            // scheduled_event_id: the new call is on the timeline (what Register's scheduling events carry)
                            ["payload"] = new JObject { ["event_id"] = record.Id, ["retry_event_id"] = next.EventId, ["scheduled_event_id"] = next.EventId, ["outcome"] = record.Outcome, ["attempt"] = attempt, ["max_attempts"] = maxAttempts, ["scheduled_at"] = ApiText.Iso(when) },
                        };
                        if (record.StepId != null) body["step_id"] = record.StepId;
                        return body;
                    },
                    AlsoRecord = (e, next) => MissionStateStore.MemoryOf(e)["retry:" + record.Id] = MissionEntries.Stamp(new JObject { ["outcome"] = record.Outcome, ["retry_event_id"] = next.EventId, ["attempt"] = attempt }),
                }, ct));
                switch (result.State)
                {
                    case RetryState.Held:
                        _sink.Verbose($"Another process is retrying the {r.Describe()} ({r.Id}) right now; the next tick looks again.");
                        continue;
                    case RetryState.RetriedElsewhere:
                        _sink.Verbose($"The {r.Describe()} ({r.Id}) was already retried as {result.EventId} by another process.");
                        r.Json["retried_by"] = result.EventId;
                        save(new[] { r });
                        continue;
                    case RetryState.RunEnded:
                        _sink.Warning($"The {r.Describe()} ({r.Id}) is not retried: {result.Error!.Message}");
                        RunEnded = true;
                        return created;
                    case RetryState.NotScheduled:
                        throw result.Error!;
                }
                var id = result.Next!.EventId;
                records.Add(EventRecords.Of(_store.Require(slug)).First(x => x.Id == id));
                r.Json["retried_by"] = id;
                created.Add(id);
            }
            return created;
        }

    }
}
