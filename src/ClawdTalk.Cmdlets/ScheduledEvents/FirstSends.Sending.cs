using ClawdTalk.Numbers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>The first sends, the sending half: the target reserved in the store, the request sent once, the record and the run event.</summary>
    internal sealed partial class FirstSends
    {
        JObject Body(Plan p)
        {
            var t = p.Ctx.T;
            var body = new JObject
            {
                ["channel"] = _o.Channel == ScheduledEventChannel.Call ? "call" : "sms",
                ["to"] = p.Target.Phone,
                ["from"] = p.From,
                ["scheduled_at"] = ApiText.Iso(p.At),
            };
            if (p.Text != null) body["text_body"] = p.Text;
            if (p.Ctx.NoMission) return body;
            body["mission_id"] = t.MissionId;
            body["run_id"] = t.RunId;
            if (p.Ctx.StepId != null) body["step_id"] = p.Ctx.StepId;
            return body;
        }

        /// <summary>
        /// One target: reserved first, outside the throttle (reservations of many targets go into one locked write, so a
        /// campaign's writes do not grow with it), then its request under the throttle, then its bookkeeping.
        /// </summary>
        async Task ScheduleAsync(Plan p, string key, CancellationToken ct)
        {
            var t = p.Ctx.T;
            // the target is reserved in the store, under its lock, before its request is sent: another process (a second
            // run of the same command, a wait, a poller tick) that got there first keeps it, and nobody is called twice
            var reservation = t.Slug == null ? null : await ReserveAsync(p, key, ct).ConfigureAwait(false);
            if (reservation != null && reservation.State != Reservations.State.Acquired) return;
            var reservedAt = System.Diagnostics.Stopwatch.StartNew();
            var sent = false;
            try
            {
                await _throttle.WaitAsync(ct).ConfigureAwait(false);
                ScheduledEvent ev;
                try
                {
                    CheckTime(p);
                    if (reservation != null && reservedAt.Elapsed > Reservations.RenewAfter)
                    {
                        // it waited its turn long enough to look stale to another process: stamped anew first
                        var renewed = false;
                        var token = reservation.Token!;
                        await _ledger.ChangeAsync(t.Slug!, e => renewed = Reservations.Renew(e, ReservationKey(key), token)).ConfigureAwait(false);
                        if (!renewed)
                            throw new ClawdTalkException(ErrorIds.TargetBeingScheduled, ErrorCategory.ResourceBusy,
                                $"Another process took over the {_o.Noun} to {p.Target} while it waited its turn; it was not scheduled here.", p.Target.Phone)
                            { RecommendedAction = "Run the command again once the other one has finished: it passes on what that one scheduled." };
                    }
                    sent = true;
                    ev = await SendAsync(p, key, reservation, ct).ConfigureAwait(false);
                }
                finally { _throttle.Release(); }
                await Bookkeep(ev, t, adopted: false, ct, reservation == null ? null : (ReservationKey(key), reservation.Token)).ConfigureAwait(false);
                _sink.Post(() => Output(p.Index, ev));
            }
            catch (Exception) when (!sent && reservation != null)
            {
                // its request never left (Ctrl+C while it waited its turn, a time gone by): the target is free again, and a rerun
                // need not read the service to settle it. Not cancelled: the reservation must not outlive this process unsettled.
                await _ledger.ChangeAsync(t.Slug!, e => Reservations.Remove(e, ReservationKey(key), reservation.Token)).ConfigureAwait(false);
                throw;
            }
            finally { Reservations.Ended(reservation?.Token); }
        }

        /// <summary>Its time still a minute ahead when its request goes out: a time of no one's choosing moves later, a fixed -At fails (ScheduleTooSoon).</summary>
        void CheckTime(Plan p)
        {
            var clock = _events.Client.Connection.Clock;
            var now = clock.GetUtcNow();
            if (!SchedulePlanner.TooSoon(p.At, now, clock.Scale)) return;
            var why = p.Asked >= TimeSpan.FromSeconds(1)
                ? $"the confirmation was answered {Seconds(p.Asked)} later" + (clock.IsScaled ? $" ({Seconds(TimeSpan.FromTicks((long)(p.Asked.Ticks * clock.Scale)))} of the sandbox's clock)" : "")
                : "its request went out later than planned";
            if (!p.Flexible)
                throw new ClawdTalkException(ErrorIds.ScheduleTooSoon, ErrorCategory.InvalidArgument,
                    $"The time {Show(p.At)} of {p.Target} is no longer a minute ahead ({why}); nothing was scheduled for it.", p.Target.Phone)
                { RecommendedAction = "Give a later -At, or leave -At out to schedule it as soon as the service takes it." };
            p.At = ScheduledEventsApi.Ceil(now + SchedulePlanner.Lead(clock.Scale));
            var moved = $"The {_o.Noun} to {p.Target} is scheduled at {Show(p.At)}, {Seconds(p.At - p.Shown)} later than the {Show(p.Shown)} "
                        + $"{(p.Asked >= TimeSpan.FromSeconds(1) ? "shown when it was confirmed" : "planned")}: {why}, and the service takes {_o.Noun}s at least a minute ahead.";
            _sink.Post(() => _sink.Warning(moved));
        }

        static string Seconds(TimeSpan t) => t.TotalMinutes >= 2 ? $"{t.TotalMinutes:0} min" : $"{Math.Ceiling(t.TotalSeconds):0} s";

        /// <summary>The request, sent once; the event it created (not yet recorded).</summary>
        async Task<ScheduledEvent> SendAsync(Plan p, string key, Reservations.Result? reservation, CancellationToken ct)
        {
            var t = p.Ctx.T;
            var body = Body(p);
            var known = p.Assistant.Known;
            JObject created;
            try
            {
                if (!p.Ctx.NoMission) await EnsureOpenAsync(p.Ctx, ct).ConfigureAwait(false);
                if (!p.Flexible) created = await _events.CreateOnceAsync(p.Assistant.Id, body, known, ct).ConfigureAwait(false);
                else
                {
                    // a time of no one's choosing moves later when the service finds it too soon by the time the request arrives
                    var clock = _events.Client.Connection.Clock;
                    created = await _events.CreateMovableAsync(p.Assistant.Id, body, known, () => clock.GetUtcNow() + SchedulePlanner.Lead(clock.Scale), at =>
                    {
                        var moved = $"The {_o.Noun} to {p.Target} is scheduled at {Show(at)}, {Seconds(at - p.Shown)} later than the {Show(p.Shown)} planned: "
                                    + $"its request reached the service later than planned, and the service takes {_o.Noun}s at least a minute ahead.";
                        p.At = at;
                        _sink.Post(() => _sink.Warning(moved));
                    }, ct).ConfigureAwait(false);
                }
            }
            catch (ClawdTalkException ex) when (reservation != null && !(ex is RequestOutcomeUnknownException) && ex.ErrorId != ErrorIds.ScheduleOutcomeUnknown)
            {
                // provably not scheduled: the target is free again (an unknown outcome keeps the reservation: it is resolved
                // by reading the service once this process is gone)
                await _ledger.ChangeAsync(t.Slug!, e => Reservations.Remove(e, ReservationKey(key), reservation.Token)).ConfigureAwait(false);
                throw;
            }
            var ev = ScheduledEvent.FromJson(created, p.Assistant.Id);
            ev.To ??= p.Target.Phone;
            ev.From ??= p.From;
            ev.ScheduledAt ??= p.At;
            ev.Channel = _o.Channel;
            ev.Slug = t.Slug; ev.MissionId = t.MissionId; ev.RunId = t.RunId; ev.StepId ??= p.Ctx.StepId;
            ev.Name = p.Target.Name;
            ev.SetVariables(p.Target.Variables.Count > 0 ? p.Target.Variables : null);
            ev.RecipientType = p.RecipientType;
            ev.TimeZone = p.Zone;
            ev.TimeWindow = p.Window;
            ev.Text ??= p.Text;
            ev.Attempt = 1;
            if (ev.Status == ScheduledEventStatus.Unknown) ev.Status = ScheduledEventStatus.Pending;
            p.Assistant.Known.Add(ev.EventId);
            Interlocked.Increment(ref _scheduled);
            return ev;
        }

        /// <summary>The reservation key of a target (an SMS text is hashed: keys stay short).</summary>
        static string ReservationKey(string key)
        {
            var parts = key.Split(new[] { '|' }, 5);
            if (parts.Length < 5) return key;
            using var sha = System.Security.Cryptography.SHA256.Create();
            var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(parts[4]));
            return string.Join("|", parts.Take(4)) + "|" + BitConverter.ToString(hash, 0, 8).Replace("-", "").ToLowerInvariant();
        }

        /// <summary>The record of the target's event in the run, if one is there (any attempt, not cancelled).</summary>
        JObject? RecordedFor(JObject entry, Plan p, string key)
        {
            var run = p.Ctx.T.RunId;
            // a record without a run id belongs to the run it is read for
            return _index.Find(entry, _ledger.Generation, key, NoRun + key.Substring(run.Length),
                r => !EventLedger.FromRecord(r, null, null, null).IsCanceled,
                (r, k) => k != null && (k == key || k == NoRun + key.Substring(run.Length)));
        }

        /// <summary>The run part of the target key of a record that names no run.</summary>
        const string NoRun = "\u0000";

        /// <summary>The target key of a record of this channel (the number normalized), with <see cref="NoRun"/> for a record without a run id; null for others.</summary>
        string? RecordKey(JObject r)
        {
            if (Json.Str(r, "event_id") == null) return null;
            var channel = Json.Str(r, "channel") == "sms" ? ScheduledEventChannel.Sms : ScheduledEventChannel.Call;
            if (channel != _o.Channel) return null;
            var written = Json.Str(r, "to");
            string to;
            if (E164.IsCanonical(written)) to = written!;
            else if (!E164.TryNormalize(written, out to, E164.Strictness.Possible)) return null;
            return Key(Json.Str(r, "run_id") ?? NoRun, to, Json.Str(r, "step_id"), Json.Str(r, "text"));
        }

        /// <summary>
        /// Reserves the target: Acquired (send it), or Done/adopted (its event exists: passed on as already scheduled). Waits
        /// while a live process holds it; a reservation whose process died is resolved by reading the service's list.
        /// </summary>
        async Task<Reservations.Result> ReserveAsync(Plan p, string key, CancellationToken ct)
        {
            var t = p.Ctx.T;
            var slug = t.Slug!;
            var rkey = ReservationKey(key);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            var said = false;
            while (true)
            {
                Reservations.Result res = null!;
                JObject? record = null;
                string? DoneBy(JObject e) { record = (JObject?)RecordedFor(e, p, key)?.DeepClone(); return record == null ? null : Json.Str(record, "event_id"); }
                await _ledger.ChangeAsync(slug, e => res = Reservations.Reserve(e, rkey, DoneBy)).ConfigureAwait(false);
                if (res.State == Reservations.State.Stale)
                {
                    // its process died mid-request: what did it leave on the service?
                    LogVerbose($"{p.Target}: the process that was scheduling it is gone; reading the assistant's events to see whether its request landed.");
                    var recorded = new HashSet<string>(StringComparer.Ordinal);
                    var listed = await _events.ListAsync(p.Assistant.Id, ct).ConfigureAwait(false);
                    var entry = _store.Require(slug);
                    foreach (var r in EventRecords.Read(entry)) if (Json.Str(r, "event_id") is string id) recorded.Add(id);
                    var landed = listed.FirstOrDefault(e => !recorded.Contains(Json.Str(e, "id", "event_id") ?? "") && Matches(e, p, key));
                    if (landed != null)
                    {
                        var ev = ScheduledEvent.FromJson(landed, p.Assistant.Id);
                        ev.Slug = slug; ev.MissionId = t.MissionId; ev.RunId = t.RunId; ev.Channel = _o.Channel; ev.Name = p.Target.Name;
                        ev.Attempt = 1;
                        LogVerbose($"{p.Target}: it landed as {ev.EventId}; adopted, not sent again.");
                        Interlocked.Increment(ref _already);
                        await Bookkeep(ev, t, adopted: true, ct, (rkey, Json.Str(res.Stale, "token"))).ConfigureAwait(false);
                        _sink.Post(() => Output(p.Index, ev));
                        return new Reservations.Result { State = Reservations.State.Done, EventId = ev.EventId };
                    }
                    var stale = res.Stale!;
                    await _ledger.ChangeAsync(slug, e => res = Reservations.TakeOver(e, rkey, stale, DoneBy)).ConfigureAwait(false);
                }
                if (res.State == Reservations.State.Acquired) return res;
                if (res.State == Reservations.State.Done)
                {
                    var ev = EventLedger.FromRecord(record!, slug, t.MissionId, t.RunId);
                    Interlocked.Increment(ref _already);
                    LogVerbose($"{p.Target} already has the {_o.Noun} {ev.EventId} in run {t.RunId} (scheduled by another process); it is not scheduled again.");
                    _sink.Post(() => Output(p.Index, ev));
                    return res;
                }
                if (res.State == Reservations.State.Held)
                {
                    if (!said) { LogVerbose($"{p.Target}: another process is scheduling it right now; waiting for its result."); said = true; }
                    if (waited.Elapsed > HeldWait)
                        throw new ClawdTalkException(ErrorIds.TargetBeingScheduled, ErrorCategory.ResourceBusy,
                            $"Another process has been scheduling the {_o.Noun} to {p.Target} for {waited.Elapsed.TotalSeconds:0} s; it was not scheduled again here.", p.Target.Phone)
                        { RecommendedAction = "Run the command again once the other one has finished: it passes on what that one scheduled." };
                    await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
                }
            }
        }

        /// <summary>How long to wait for another live process that holds a target before giving up on it.</summary>
        internal static readonly TimeSpan HeldWait = TimeSpan.FromMinutes(2);

        bool Matches(JObject e, Plan p, string key)
        {
            var status = ScheduledEvent.FromJson(e, p.Assistant.Id);
            if (status.IsCanceled) return false;
            if (!E164.TryNormalize(Json.Str(e, "to"), out var to, E164.Strictness.Possible)) return false;
            var channel = Json.Str(e, "channel") == "sms" ? ScheduledEventChannel.Sms : ScheduledEventChannel.Call;
            return channel == _o.Channel && (Json.Str(e, "run_id") ?? p.Ctx.T.RunId) == p.Ctx.T.RunId
                   && Key(p.Ctx.T.RunId, to, Json.Str(e, "step_id"), Json.Str(e, "text_body", "text")) == key;
        }

        /// <summary>An event that exists on the service but whose bookkeeping is missing or unfinished (a crash, Ctrl+C): it is completed now.</summary>
        async Task AdoptAsync(ScheduledEvent ev, RunContext ctx, bool noRecord, int slot, CancellationToken ct)
        {
            if (noRecord) LogVerbose($"The {_o.Noun} {ev.EventId} to {ev.To} exists on the service but not in the mission's memory; recording it now.");
            await Bookkeep(ev, ctx.T, adopted: true, ct).ConfigureAwait(false);
            _sink.Post(() => Output(slot, ev));
        }

        /// <summary>The record in memory first (it exists as soon as the event does), then the run event, then the record marked logged.</summary>
        async Task Bookkeep(ScheduledEvent ev, MissionTarget t, bool adopted, CancellationToken ct, (string Key, string? Token)? reservation = null)
        {
            // the record and the end of the reservation in one locked write: another process sees one or the other, never neither
            if (t.Slug != null)
                await _ledger.ChangeAsync(t.Slug, e =>
                {
                    _index.Upsert(e, _ledger.Generation, EventLedger.RecordOf(ev));
                    if (reservation.HasValue) Reservations.Remove(e, reservation.Value.Key, reservation.Value.Token);
                }).ConfigureAwait(false);
            var summary = $"Scheduled a {_o.Noun} to {ev.To}{(ev.Name != null ? $" ({ev.Name})" : "")} at {Show(ev.ScheduledAt ?? DateTimeOffset.UtcNow)}" + (ev.Attempt > 1 ? $", attempt {ev.Attempt}" : "");
            var payload = new JObject
            {
                ["scheduled_event_id"] = ev.EventId, ["assistant_id"] = ev.AssistantId, ["channel"] = _o.Channel == ScheduledEventChannel.Call ? "call" : "sms",
                ["to"] = ev.To, ["scheduled_at"] = ev.ScheduledAt.HasValue ? ApiText.Iso(ev.ScheduledAt.Value) : null, ["attempt"] = ev.Attempt,
            };
            if (ev.Name != null) payload["name"] = ev.Name;
            if (ev.VariablesJson != null) payload["variables"] = ev.VariablesJson.DeepClone();
            if (ev.TimeZone != null) payload["time_zone"] = ev.TimeZone;
            var body = new JObject { ["type"] = "tool_call", ["summary"] = summary, ["agent_id"] = MissionEntries.DefaultAgentId, ["payload"] = payload };
            if (ev.StepId != null) body["step_id"] = ev.StepId;
            if (t.MissionId.Length == 0) return; // a text without a mission: no run to log it on
            await _throttle.WaitAsync(ct).ConfigureAwait(false); // a request like the schedule's: within -ThrottleLimit
            try
            {
                await RunEventLog.LogAsync(_events.Client, t.MissionId, t.RunId, body, "scheduled:" + ev.EventId, LogVerbose, ct, checkFirst: adopted).ConfigureAwait(false);
            }
            catch (ClawdTalkException ex)
            {
                var msg = $"The {_o.Noun} {ev.EventId} to {ev.To} is scheduled, but its run event could not be logged ({ex.Message}); running the same command again logs it.";
                _sink.Post(() => _sink.Warning(msg));
                return;
            }
            finally { _throttle.Release(); }
            if (t.Slug != null)
                await _ledger.ChangeAsync(t.Slug, e => _index.Update(e, _ledger.Generation, ev.EventId, r => r["logged"] = true)).ConfigureAwait(false);
        }
    }
}
