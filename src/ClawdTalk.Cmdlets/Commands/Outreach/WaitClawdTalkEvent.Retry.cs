using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Commands.Calls;
using ClawdTalk.Commands.Missions;
using ClawdTalk.Completers;
using ClawdTalk.Missions;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Outreach
{
    /// <summary>Wait-ClawdTalkEvent, the retry half: the policy, the retry reserved in the store and scheduled once (or adopted), every attempt recorded.</summary>
    public sealed partial class WaitClawdTalkEventCommand
    {
        RetryRule? RuleFor(ScheduledEvent ev)
        {
            switch (RetryPolicy)
            {
                case RetryPolicy.None:
                    return MaxAttempts.HasValue ? new RetryRule("Custom", MaxAttempts.Value, new[] { RetryDelay ?? TimeSpan.FromMinutes(10) }) : null;
                case RetryPolicy.ByRecipientType:
                    return ev.RecipientType.HasValue ? RetryRule.For(ev.RecipientType.Value).With(MaxAttempts, RetryDelay) : null;
                case RetryPolicy.AutomatedSystem: return RetryRule.AutomatedSystem.With(MaxAttempts, RetryDelay);
                case RetryPolicy.Business: return RetryRule.Business.With(MaxAttempts, RetryDelay);
                default: return RetryRule.Professional.With(MaxAttempts, RetryDelay);
            }
        }

        /// <summary>Handles a finished event; true when it is done (output), false when a retry now takes its place.</summary>
        async Task<bool> FinishAsync(Tracked tr, ScheduledEventsApi events, OutreachLedger ledger, CancellationToken ct)
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
                    await ledger.ChangeAsync(tr.T.Slug, e => EventRecords.Update(e, ev.EventId, r => OutreachLedger.SetOutcome(r, ev))).ConfigureAwait(false);
                if (!ev.IsCanceled)
                {
                    try
                    {
                        var body = new JObject
                        {
                            ["type"] = ev.Status == ScheduledEventStatus.Completed ? "custom" : "error",
                            ["summary"] = Describe(ev),
                            ["agent_id"] = DefaultAgentId,
                            ["payload"] = OutcomePayload(ev),
                        };
                        if (ev.StepId != null) body["step_id"] = ev.StepId;
                        await RunEventLog.LogAsync(events.Client, tr.T.MissionId, tr.T.RunId, body, "outcome:" + ev.EventId, LogVerbose, ct).ConfigureAwait(false);
                    }
                    catch (ClawdTalkException ex)
                    {
                        var runId = tr.T.RunId;
                        Post(() => WriteWarning($"The outcome of {ev.EventId} ({ev.To}) could not be logged on run {runId}: {ex.Message}"));
                    }
                }
                if (tr.T.Slug != null)
                    await ledger.ChangeAsync(tr.T.Slug, e => EventRecords.Update(e, ev.EventId, r => r["outcome_logged"] = true)).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _done);
            Interlocked.Increment(ref _ended[(int)ev.OutcomeGroup]);
            var output = ev;
            Post(() => WriteObject(output));
            return true;
        }

        async Task<bool> TryRetryAsync(Tracked tr, RetryRule rule, ScheduledEventsApi events, OutreachLedger ledger, CancellationToken ct)
        {
            var ev = tr.Ev;
            var clock = events.Client.Connection.Clock; // the service's: a sandbox's runs faster than this machine's
            var now = clock.GetUtcNow();
            TimeZoneInfo? zone = null;
            var zoneId = ev.TimeZone?.Split(',')[0];
            try { zone = zoneId != null ? Zones.Find(zoneId) : Zones.ForNumber(ev.To!)[0]; }
            catch (ClawdTalkException) { zone = null; }
            var at = rule.NextTime(ev.Attempt, now, ev.ScheduledAt, zone);
            var lead = SchedulePlanner.Lead(clock.Scale);
            if (at < now + lead) at = now + lead;
            if (ev.TimeWindow != null && zone != null)
            {
                try { at = global::ClawdTalk.ScheduledEvents.TimeWindow.Parse(ev.TimeWindow, null).NextOpening(at, zone); }
                catch (ClawdTalkException) { }
            }
            at = ScheduledEventsApi.Ceil(at);
            var attempt = ev.Attempt + 1;
            var action = $"Schedule retry {attempt - 1} (attempt {attempt} of at most {rule.MaxAttempts}, {rule.Name}) at {RegisterEventCmdlet.Show(at)}{RegisterEventCmdlet.ClockNote(clock)} after {ev.CallStatus ?? ev.Outcome} (billable)";
            var target = ev.To + (ev.Name != null ? $" ({ev.Name})" : "");
            if (!await AskAsync(target, action, ct).ConfigureAwait(false))
            {
                LogVerbose($"{target}: the retry was not scheduled.");
                return false;
            }
            var body = new JObject
            {
                ["channel"] = "call", ["to"] = ev.To, ["from"] = ev.From, ["scheduled_at"] = ApiText.Iso(at),
            };
            if (ev.MissionId != null) body["mission_id"] = ev.MissionId;
            if (ev.RunId != null) body["run_id"] = ev.RunId;
            if (ev.StepId != null) body["step_id"] = ev.StepId;
            JObject created;
            HashSet<string> known;
            lock (_ids) known = new HashSet<string>(_ids.Select(i => i.Substring(i.IndexOf('/') + 1)), StringComparer.Ordinal);
            // reserved in the store first: a poller tick or another wait retrying the same attempt keeps it, nobody is called twice
            var rkey = "retry:" + ev.EventId;
            string? token = null;
            JObject? adopted = null;
            if (tr.T?.Slug != null)
            {
                var slug = tr.T.Slug;
                Reservations.Result res = null!;
                await ledger.ChangeAsync(slug, e => res = Reservations.Reserve(e, rkey, x => Reservations.RetryOf(x, ev.EventId))).ConfigureAwait(false);
                if (res.State == Reservations.State.Stale)
                {
                    var since = (Reservations.Since(res.Stale!) ?? DateTimeOffset.UtcNow).AddMinutes(-2);
                    adopted = (await events.ListAsync(ev.AssistantId, ct).ConfigureAwait(false)).FirstOrDefault(o =>
                        Json.Str(o, "to") == ev.To && !known.Contains(Json.Str(o, "id", "event_id") ?? "") && (Json.Str(o, "run_id") ?? ev.RunId) == ev.RunId
                        && (Json.Date(o, "created_at") ?? DateTimeOffset.MaxValue) >= since);
                    var stale = res.Stale!;
                    if (adopted == null)
                        await ledger.ChangeAsync(slug, e => res = Reservations.TakeOver(e, rkey, stale, x => Reservations.RetryOf(x, ev.EventId))).ConfigureAwait(false);
                    else
                    {
                        LogVerbose($"{target}: a retry scheduled by a process that is gone landed as {Json.Str(adopted, "id", "event_id")}; adopted.");
                        token = Json.Str(stale, "token");
                    }
                }
                if (adopted == null)
                {
                    if (res.State == Reservations.State.Held)
                    {
                        LogVerbose($"{target}: another process is scheduling its retry right now; looking again at the next check.");
                        return true; // still open: the next check adopts what the other one scheduled
                    }
                    if (res.State == Reservations.State.Done)
                    {
                        try { adopted = await events.GetAsync(ev.AssistantId, res.EventId!, ct).ConfigureAwait(false); }
                        catch (ClawdTalkException ex) { LogVerbose($"{target}: its retry {res.EventId} (scheduled by another process) cannot be read ({ex.ErrorId})."); }
                        if (adopted == null) return false;
                        LogVerbose($"{target}: its retry was scheduled by another process as {res.EventId}; following that one.");
                        return Follow(tr, rule, adopted, attempt, at, ev);
                    }
                    token = res.Token;
                }
            }
            if (adopted != null) created = adopted;
            else
            {
                try
                {
                    // the service may have ended the run (and completed the step) when the call ended: opened again first
                    if (ev.MissionId != null && ev.RunId != null)
                        await RunReopening.BeforeSchedulingAsync(_missionsApi, Store, new MissionTarget { Slug = tr.T?.Slug, MissionId = ev.MissionId, RunId = ev.RunId },
                            ev.StepId, $"a retry of the call to {target}", LogVerbose, ct).ConfigureAwait(false);
                    // a retry's time is the policy's earliest: later is as good, so it moves when the request comes too late for it
                    var soon = clock.GetUtcNow();
                    if (SchedulePlanner.TooSoon(at, soon, clock.Scale)) { at = ScheduledEventsApi.Ceil(soon + lead); body["scheduled_at"] = ApiText.Iso(at); }
                    created = await events.CreateMovableAsync(ev.AssistantId, body, known, () => clock.GetUtcNow() + lead, a => at = a, ct).ConfigureAwait(false);
                }
                catch (ClawdTalkException ex)
                {
                    Reservations.Ended(token);
                    if (token != null && !(ex is RequestOutcomeUnknownException) && ex.ErrorId != "ScheduleOutcomeUnknown")
                        await ledger.ChangeAsync(tr.T!.Slug!, e => Reservations.Remove(e, rkey, token)).ConfigureAwait(false);
                    Post(() => WriteError(new ClawdTalkException("RetryNotScheduled", ErrorCategory.NotSpecified, $"The retry of {target} could not be scheduled: {ex.Message}", ev.EventId, ex)));
                    return false;
                }
            }
            var next = ScheduledEvent.FromJson(created, ev.AssistantId);
            next.To ??= ev.To; next.From ??= ev.From; next.ScheduledAt ??= at;
            next.Channel = ScheduledEventChannel.Call;
            next.Slug = ev.Slug; next.MissionId = ev.MissionId; next.RunId = ev.RunId; next.StepId ??= ev.StepId;
            next.Name = ev.Name; next.SetVariables(ev.VariablesJson); next.RecipientType = ev.RecipientType;
            next.TimeZone = ev.TimeZone; next.TimeWindow = ev.TimeWindow;
            next.Attempt = attempt;
            next.RetryOf = ev.EventId;
            if (next.Status == ScheduledEventStatus.Unknown) next.Status = ScheduledEventStatus.Pending;
            next.PreviousAttempts = ev.PreviousAttempts.Concat(new object?[]
            {
                Json.ToPowerShell(new JObject
                {
                    ["attempt"] = ev.Attempt, ["event_id"] = ev.EventId, ["scheduled_at"] = ev.ScheduledAt.HasValue ? ApiText.Iso(ev.ScheduledAt.Value) : null,
                    ["status"] = OutreachLedger.Wire(ev.Status), ["call_status"] = ev.CallStatus, ["outcome"] = ev.Outcome,
                }),
            }).ToArray();
            lock (_ids) _ids.Add(next.AssistantId + "/" + next.EventId);
            Interlocked.Increment(ref _retries);
            var old = ev;
            tr.Outcomes.Add(old.Outcome ?? old.CallStatus);
            tr.Ev = next;
            tr.Logged = false;

            // every attempt is recorded: the old one's outcome and the new one, in memory and on the run
            if (tr.T?.Slug != null)
                await ledger.ChangeAsync(tr.T.Slug, e =>
                {
                    EventRecords.Update(e, old.EventId, r => { OutreachLedger.SetOutcome(r, old); r["retried_by"] = next.EventId; r["outcome_logged"] = true; });
                    EventRecords.Upsert(e, OutreachLedger.RecordOf(next));
                    if (token != null) Reservations.Remove(e, rkey, token); // with the record, in one locked write
                }).ConfigureAwait(false);
            Reservations.Ended(token);
            if (tr.T != null)
            {
                var payload = OutcomePayload(old);
                payload["retry"] = new JObject { ["event_id"] = next.EventId, ["scheduled_at"] = ApiText.Iso(at), ["attempt"] = attempt, ["policy"] = rule.Name, ["max_attempts"] = rule.MaxAttempts };
                var body2 = new JObject
                {
                    ["type"] = "tool_call",
                    ["summary"] = $"{Describe(old)}; retry {attempt - 1} scheduled for {RegisterEventCmdlet.Show(at)} (attempt {attempt} of at most {rule.MaxAttempts})",
                    ["agent_id"] = DefaultAgentId,
                    ["payload"] = payload,
                };
                if (old.StepId != null) body2["step_id"] = old.StepId;
                try
                {
                    await RunEventLog.LogAsync(events.Client, tr.T.MissionId, tr.T.RunId, body2, "retry:" + old.EventId, LogVerbose, ct).ConfigureAwait(false);
                    if (tr.T.Slug != null)
                        await ledger.ChangeAsync(tr.T.Slug, e => EventRecords.Update(e, next.EventId, r => r["logged"] = true)).ConfigureAwait(false);
                }
                catch (ClawdTalkException ex)
                {
                    Post(() => WriteWarning($"The retry {next.EventId} of {target} is scheduled, but it could not be logged on run {tr.T.RunId}: {ex.Message}"));
                }
            }
            LogVerbose($"{target}: {old.CallStatus ?? old.Outcome} on attempt {old.Attempt}; retry scheduled as {next.EventId} at {RegisterEventCmdlet.Show(at)}.");
            return true;
        }

        /// <summary>Follows a retry another process scheduled (it recorded and logged it): the new attempt takes the old one's place.</summary>
        bool Follow(Tracked tr, RetryRule rule, JObject created, int attempt, DateTimeOffset at, ScheduledEvent ev)
        {
            var next = ScheduledEvent.FromJson(created, ev.AssistantId);
            next.To ??= ev.To; next.From ??= ev.From; next.ScheduledAt ??= at;
            next.Channel = ScheduledEventChannel.Call;
            next.Slug = ev.Slug; next.MissionId = ev.MissionId; next.RunId = ev.RunId; next.StepId ??= ev.StepId;
            next.Name = ev.Name; next.SetVariables(ev.VariablesJson); next.RecipientType = ev.RecipientType;
            next.TimeZone = ev.TimeZone; next.TimeWindow = ev.TimeWindow;
            next.Attempt = attempt;
            next.RetryOf = ev.EventId;
            if (next.Status == ScheduledEventStatus.Unknown) next.Status = ScheduledEventStatus.Pending;
            lock (_ids) _ids.Add(next.AssistantId + "/" + next.EventId);
            tr.Outcomes.Add(ev.Outcome ?? ev.CallStatus);
            tr.Ev = next;
            tr.Logged = true; // the other process logs its outcome
            return true;
        }
    }
}
