using System.Net.Http;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The scheduled-event endpoints (`/assistants/{id}/events`) as async calls on the session's ApiClient, for work that runs
    /// off the pipeline thread. Creating an event never sends twice: when the outcome of a POST is unknown (dropped
    /// connection, timeout) the assistant's events are read back, the one meant is adopted if it landed, and the POST is
    /// sent again only when the list proves it did not.
    /// </summary>
    internal sealed class ScheduledEventsApi : EndpointClient
    {
        /// <summary>How long to let an unanswered request settle on the server before reading back what it did.</summary>
        internal static TimeSpan SettleDelay = TimeSpan.FromMilliseconds(500);
        const int MaxSends = 4;

        public ScheduledEventsApi(ApiClient api, Action<string> log) : base(api, log) { }

        public ApiClient Client => _api;

        /// <summary>Rounds up to a whole second, so the time sent is never earlier than the one checked.</summary>
        public static DateTimeOffset Ceil(DateTimeOffset t)
        {
            var ticks = t.UtcTicks;
            var rem = ticks % TimeSpan.TicksPerSecond;
            return new DateTimeOffset(rem == 0 ? ticks : ticks + TimeSpan.TicksPerSecond - rem, TimeSpan.Zero);
        }

        /// <summary>Every event of the assistant (`GET /assistants/{id}/events`); AssistantNotFound when it does not exist.</summary>
        public async Task<IReadOnlyList<JObject>> ListAsync(string assistantId, CancellationToken ct)
        {
            var token = await _api.SendAsync(HttpMethod.Get, $"assistants/{E(assistantId)}/events", null, RequestKind.Idempotent, ct, _log, "Assistant", assistantId).ConfigureAwait(false);
            return Json.UnwrapList(token, "events", "scheduled_events");
        }

        public async Task<JObject?> GetAsync(string assistantId, string eventId, CancellationToken ct)
        {
            var token = await _api.SendAsync(HttpMethod.Get, $"assistants/{E(assistantId)}/events/{E(eventId)}", null, RequestKind.Idempotent, ct, _log, "ScheduledEvent", eventId).ConfigureAwait(false);
            return Json.Unwrap(token, "event", "scheduled_event");
        }

        /// <summary>Cancels a pending event. EventNotCancellable when it already runs or ran (409).</summary>
        public async Task CancelAsync(string assistantId, string eventId, CancellationToken ct)
        {
            try
            {
                await _api.SendAsync(HttpMethod.Delete, $"assistants/{E(assistantId)}/events/{E(eventId)}", null, RequestKind.Idempotent, ct, _log, "ScheduledEvent", eventId).ConfigureAwait(false);
            }
            catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.Conflict)
            {
                throw new ClawdTalkException(ErrorIds.EventNotCancellable, ErrorCategory.InvalidOperation,
                    $"The event {eventId} can no longer be cancelled: it is running or has ended ({ex.Message}).", eventId, ex);
            }
        }

        /// <summary>
        /// Creates the event described by <paramref name="body"/> exactly once. <paramref name="known"/> holds the ids this
        /// caller already owns, which are never adopted as the landed copy.
        /// </summary>
        public async Task<JObject> CreateOnceAsync(string assistantId, JObject body, ICollection<string> known, CancellationToken ct)
        {
            var path = $"assistants/{E(assistantId)}/events";
            var target = (string?)body["to"];
            var sends = 1;
            try
            {
                return await CreateOnce.SendAsync(
                    async c =>
                    {
                        try
                        {
                            var token = await _api.SendAsync(HttpMethod.Post, path, body, RequestKind.Create, c, _log, "Assistant", target).ConfigureAwait(false);
                            var created = Json.Unwrap(token, "event", "scheduled_event");
                            if (created == null || Json.Str(created, "id", "event_id") == null)
                                throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, $"The service scheduled the {body["channel"]} to {target} but sent no event id.", target);
                            return created;
                        }
                        catch (ClawdTalkApiException ex) { throw Map(ex, body, target); }
                    },
                    async (lost, c) =>
                    {
                        _log?.Invoke($"The answer to the schedule request for {target} was lost; reading the assistant's events back to see whether it landed.");
                        await Task.Delay(SettleDelay, c).ConfigureAwait(false);
                        IReadOnlyList<JObject> listed;
                        try { listed = await ListAsync(assistantId, c).ConfigureAwait(false); }
                        catch (ClawdTalkException ex) when (!(ex is RequestOutcomeUnknownException))
                        {
                            // the list could not be read: whether the request landed is unknown, so it is neither sent again
                            // nor may its reservation be freed (the caller keeps it for whoever looks next)
                            throw new ClawdTalkException(ErrorIds.ScheduleOutcomeUnknown, ErrorCategory.OperationTimeout,
                                $"The answer to the schedule request for {target} was lost, and the assistant's events could not be read to see whether it landed ({ex.ErrorId}); it was not sent again, to avoid calling twice.", target, ex)
                            { RecommendedAction = "Check Get-ClawdTalkScheduledEvent before scheduling this target again; running the same command again finds what landed." };
                        }
                        var (found, provable) = Find(listed, body, known);
                        if (found != null)
                        {
                            _log?.Invoke($"It landed as {Json.Str(found, "id", "event_id")}; adopted it instead of sending again.");
                            return LostAnswer<JObject>.Found(found);
                        }
                        if (!provable)
                            throw new ClawdTalkException(ErrorIds.ScheduleOutcomeUnknown, ErrorCategory.OperationTimeout,
                                $"The schedule request for {target} may or may not have reached the service, and its event list does not show enough to tell; it was not sent again, to avoid calling twice.", target, lost)
                            { RecommendedAction = "Check Get-ClawdTalkScheduledEvent before scheduling this target again." };
                        if (sends < MaxSends)
                        {
                            sends++;
                            _log?.Invoke($"It did not land; sending it again ({sends} of {MaxSends}).");
                        }
                        return LostAnswer<JObject>.NotThere;
                    },
                    MaxSends, ct).ConfigureAwait(false);
            }
            catch (RequestOutcomeUnknownException last)
            {
                throw new ClawdTalkException(ErrorIds.ScheduleOutcomeUnknown, ErrorCategory.OperationTimeout,
                    $"The schedule request for {target} lost its answer {MaxSends} times; each time the list proved it had not landed. Nothing was scheduled for it.", target, last);
            }
        }

        /// <summary>
        /// <see cref="CreateOnceAsync"/> for a time that may move later (no fixed -At: the default start, a retry): when the service
        /// refuses it as no longer a minute ahead (the request came later than planned: a confirmation, transport retries, a
        /// clock that runs faster), nothing was created, so the event is asked for again at <paramref name="later"/>(), with
        /// the lead beyond the service's now doubled at each refusal (what delayed the request may delay the next one more),
        /// at most four times more. <paramref name="moved"/> hears of each new time.
        /// </summary>
        public async Task<JObject> CreateMovableAsync(string assistantId, JObject body, ICollection<string> known, Func<DateTimeOffset> later,
            Action<DateTimeOffset> moved, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                try { return await CreateOnceAsync(assistantId, body, known, ct).ConfigureAwait(false); }
                catch (ClawdTalkException ex) when (ex.ErrorId == ErrorIds.ScheduleTooSoon && attempt < 5)
                {
                    var now = _api.Connection.Clock.GetUtcNow();
                    var lead = later() - now;
                    var at = Ceil(now + TimeSpan.FromTicks(lead.Ticks << (attempt - 1)));
                    _log?.Invoke($"The service refused {(string?)body["scheduled_at"]} as less than a minute ahead; asking for {ApiText.Iso(at)} instead.");
                    body["scheduled_at"] = ApiText.Iso(at);
                    moved(at);
                }
            }
        }

        /// <summary>The listed event that <paramref name="body"/> describes; provable=false when the list does not carry the fields to tell.</summary>
        internal static (JObject? found, bool provable) Find(IReadOnlyList<JObject> list, JObject body, ICollection<string> known)
        {
            var to = Digits((string?)body["to"]);
            var at = Json.Date(body, "scheduled_at");
            var provable = list.Count == 0 || list.Any(e => e["to"] != null && e["scheduled_at"] != null);
            foreach (var e in list)
            {
                var id = Json.Str(e, "id", "event_id");
                if (id == null || known.Contains(id)) continue;
                if (Digits(Json.Str(e, "to")) != to) continue;
                var eat = Json.Date(e, "scheduled_at");
                if (eat == null || at == null || Math.Abs((eat.Value - at.Value).TotalSeconds) >= 1) continue;
                if (!Same(e, body, "channel") || !Same(e, body, "run_id") || !Same(e, body, "step_id") || !Same(e, body, "mission_id")) continue;
                if (ScheduledEvent.Norm(Json.Str(e, "outcome") ?? Json.Str(e, "call_status")) is var s && (s == "canceled" || s == "cancelled")) continue;
                return (e, true);
            }
            return (null, provable);
        }

        static bool Same(JObject listed, JObject body, string key)
        {
            var a = Json.Str(listed, key);
            var b = Json.Str(body, key);
            return a == null || b == null || string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }

        static string Digits(string? s) => new string((s ?? "").Where(char.IsDigit).ToArray());

        /// <summary>The service's refusals of a schedule request, as the module's ErrorIds.</summary>
        static ClawdTalkException Map(ClawdTalkApiException ex, JObject body, string? target)
        {
            var code = (ex.ServerCode ?? "").ToLowerInvariant();
            if (code.Contains("scheduled_at") || (ex.ErrorId == ErrorIds.ValidationFailed && ex.Message.IndexOf("scheduled_at", StringComparison.OrdinalIgnoreCase) >= 0))
                return new ClawdTalkException(ErrorIds.ScheduleTooSoon, ErrorCategory.InvalidArgument,
                    $"The service refused the time {(string?)body["scheduled_at"]} for {target}: it must be at least a minute ahead when it arrives ({ex.Message}). Nothing was scheduled for it.", target, ex);
            if (code.Contains("phone") || (ex.ErrorId == ErrorIds.ValidationFailed && ex.Message.IndexOf("E.164", StringComparison.OrdinalIgnoreCase) >= 0))
                return new ClawdTalkException(ErrorIds.InvalidPhoneNumber, ErrorCategory.InvalidArgument, $"The service refused the number {target}: {ex.Message}", target, ex);
            if (ex.ErrorId == ErrorIds.AssistantNotFound)
            {
                foreach (var (word, id) in new[] { ("step", "StepNotFound"), ("run", "RunNotFound"), ("mission", "MissionNotFound") })
                    if (ex.Message.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0 && ex.Message.IndexOf("assistant", StringComparison.OrdinalIgnoreCase) < 0)
                        return new ClawdTalkException(id, ErrorCategory.ObjectNotFound, ex.Message, target, ex);
            }
            if (ex.ErrorId == ErrorIds.PaidPlanRequired && ex.RecommendedAction == null)
                ex.RecommendedAction = "Scheduled calls to external numbers need a paid ClawdTalk plan with a dedicated number.";
            return ex;
        }
    }
}
