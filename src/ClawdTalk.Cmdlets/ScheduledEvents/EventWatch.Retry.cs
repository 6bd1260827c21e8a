using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>The watch, the retry half: the policy, the retry reserved in the store and scheduled once (or adopted), every attempt recorded.</summary>
    internal sealed partial class EventWatch
    {
        RetryRule? RuleFor(ScheduledEvent ev)
        {
            switch (_o.RetryPolicy)
            {
                case RetryPolicy.None:
                    return _o.MaxAttempts.HasValue ? new RetryRule("Custom", _o.MaxAttempts.Value, new[] { _o.RetryDelay ?? TimeSpan.FromMinutes(10) }) : null;
                case RetryPolicy.ByRecipientType:
                    return ev.RecipientType.HasValue ? RetryRule.For(ev.RecipientType.Value).With(_o.MaxAttempts, _o.RetryDelay) : null;
                case RetryPolicy.AutomatedSystem: return RetryRule.AutomatedSystem.With(_o.MaxAttempts, _o.RetryDelay);
                case RetryPolicy.Business: return RetryRule.Business.With(_o.MaxAttempts, _o.RetryDelay);
                default: return RetryRule.Professional.With(_o.MaxAttempts, _o.RetryDelay);
            }
        }

        /// <summary>Handles a finished event; true when it is done (output), false when a retry now takes its place.</summary>
        async Task<bool> FinishAsync(Tracked tr, ScheduledEventsApi events, EventLedger ledger, CancellationToken ct)
        {
            Resolve(tr);
            var ev = tr.Ev;
            var rule = RuleFor(ev);
            string why = "";
            if (rule != null && ev.To != null && ev.From != null && rule.ShouldRetry(ev, tr.Outcomes, out why))
            {
                var retry = await TryRetryAsync(tr, rule, events, ledger, ct).ConfigureAwait(false);
                if (retry) return false;
            }
            else if (rule != null && ev.IsRetryable)
                LogVerbose($"{ev.To}: {ev.CallStatus ?? ev.Outcome} on attempt {ev.Attempt}; not retried: {(why.Length > 0 ? why : "its number or caller is unknown")}.");

            if (!_whatIf && tr.T != null && !tr.Logged)
            {
                if (tr.T.Slug != null)
                    await ledger.ChangeAsync(tr.T.Slug, e => EventRecords.Update(e, ev.EventId, r => EventLedger.SetOutcome(r, ev))).ConfigureAwait(false);
                if (!ev.IsCanceled)
                {
                    try
                    {
                        var body = new JObject
                        {
                            ["type"] = ev.Status == ScheduledEventStatus.Completed ? "custom" : "error",
                            ["summary"] = Describe(ev),
                            ["agent_id"] = MissionEntries.DefaultAgentId,
                            ["payload"] = OutcomePayload(ev),
                        };
                        if (ev.StepId != null) body["step_id"] = ev.StepId;
                        await RunEventLog.LogAsync(events.Client, tr.T.MissionId, tr.T.RunId, body, "outcome:" + ev.EventId, LogVerbose, ct).ConfigureAwait(false);
                    }
                    catch (ClawdTalkException ex)
                    {
                        var runId = tr.T.RunId;
                        _sink.Post(() => _sink.Warning($"The outcome of {ev.EventId} ({ev.To}) could not be logged on run {runId}: {ex.Message}"));
                    }
                }
                if (tr.T.Slug != null)
                    await ledger.ChangeAsync(tr.T.Slug, e => EventRecords.Update(e, ev.EventId, r => r["outcome_logged"] = true)).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _done);
            Interlocked.Increment(ref _ended[(int)ev.OutcomeGroup]);
            var output = ev;
            _sink.Post(() => _sink.Write(output));
            return true;
        }

        async Task<bool> TryRetryAsync(Tracked tr, RetryRule rule, ScheduledEventsApi events, EventLedger ledger, CancellationToken ct)
        {
            var ev = tr.Ev;
            var clock = events.Client.Connection.Clock; // the service's: a sandbox's runs faster than this machine's
            var at = RetryScheduler.When(rule, ev.Attempt, ev, clock);
            var attempt = ev.Attempt + 1;
            var action = $"Schedule retry {attempt - 1} (attempt {attempt} of at most {rule.MaxAttempts}, {rule.Name}) at {SchedulePlanner.Show(at)}{FirstSends.ClockNote(clock)} after {ev.CallStatus ?? ev.Outcome} (billable)";
            var target = ev.To + (ev.Name != null ? $" ({ev.Name})" : "");
            if (!await AskAsync(target, action, ct).ConfigureAwait(false))
            {
                LogVerbose($"{target}: the retry was not scheduled.");
                return false;
            }
            HashSet<string> known;
            lock (_ids) known = new HashSet<string>(_ids.Select(i => i.Substring(i.IndexOf('/') + 1)), StringComparer.Ordinal);
            var old = ev;
            // the one retry path (ScheduledEvents/RetryScheduler): reserved, sent once or adopted, both attempts recorded, logged
            var result = await new RetryScheduler(events, _missionsApi, _store, ledger, new PostedReport(_sink)).RetryAsync(new RetryRequest
            {
                Ended = old, Slug = tr.T?.Slug, At = at, Attempt = attempt, Known = known, Target = target,
                RunEvent = tr.T == null ? null : (next, when) =>
                {
                    var payload = OutcomePayload(old);
                    payload["retry"] = new JObject { ["event_id"] = next.EventId, ["scheduled_at"] = ApiText.Iso(when), ["attempt"] = attempt, ["policy"] = rule.Name, ["max_attempts"] = rule.MaxAttempts };
                    var body = new JObject
                    {
                        ["type"] = "tool_call",
                        ["summary"] = $"{Describe(old)}; retry {attempt - 1} scheduled for {SchedulePlanner.Show(when)} (attempt {attempt} of at most {rule.MaxAttempts})",
                        ["agent_id"] = MissionEntries.DefaultAgentId,
                        ["payload"] = payload,
                    };
                    if (old.StepId != null) body["step_id"] = old.StepId;
                    return body;
                },
            }, ct).ConfigureAwait(false);
            switch (result.State)
            {
                case RetryState.Held:
                    return true; // still open: the next check adopts what the other one scheduled
                case RetryState.RetriedElsewhere:
                    JObject? adopted = null;
                    try { adopted = await events.GetAsync(ev.AssistantId, result.EventId!, ct).ConfigureAwait(false); }
                    catch (ClawdTalkException ex) { LogVerbose($"{target}: its retry {result.EventId} (scheduled by another process) cannot be read ({ex.ErrorId})."); }
                    if (adopted == null) return false;
                    LogVerbose($"{target}: its retry was scheduled by another process as {result.EventId}; following that one.");
                    return Follow(tr, RetryScheduler.NextAttempt(ev, adopted, at, attempt));
                case RetryState.NotScheduled:
                case RetryState.RunEnded:
                    var error = result.Error!;
                    _sink.Post(() => _sink.Error(new ClawdTalkException(ErrorIds.RetryNotScheduled, ErrorCategory.NotSpecified, $"The retry of {target} could not be scheduled: {error.Message}", ev.EventId, error)));
                    return false;
            }
            var scheduled = result.Next!;
            lock (_ids) _ids.Add(scheduled.AssistantId + "/" + scheduled.EventId);
            Interlocked.Increment(ref _retries);
            tr.Outcomes.Add(old.Outcome ?? old.CallStatus);
            tr.Ev = scheduled;
            tr.Logged = false;
            LogVerbose($"{target}: {old.CallStatus ?? old.Outcome} on attempt {old.Attempt}; retry scheduled as {scheduled.EventId} at {SchedulePlanner.Show(result.At)}.");
            return true;
        }

        /// <summary>Follows a retry another process scheduled (it recorded and logged it): the new attempt takes the old one's place.</summary>
        bool Follow(Tracked tr, ScheduledEvent next)
        {
            var ev = tr.Ev;
            lock (_ids) _ids.Add(next.AssistantId + "/" + next.EventId);
            tr.Outcomes.Add(ev.Outcome ?? ev.CallStatus);
            tr.Ev = next;
            tr.Logged = true; // the other process logs its outcome
            return true;
        }
    }
}
