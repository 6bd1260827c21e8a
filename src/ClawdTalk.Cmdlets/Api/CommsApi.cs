using System.Net.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The direct call and SMS endpoints of the contract (calls, messages, conversations), async over the one pipeline;
    /// takes no cmdlet. Answers are read here, once, into the typed records the cmdlets write (<see cref="DirectCall"/>,
    /// <see cref="SmsMessage"/>, <see cref="SmsConversation"/>), every shape the contract allows: bare or in an envelope,
    /// and the `{"error":…}`-in-a-2xx failures.
    /// </summary>
    internal sealed class CommsApi : EndpointClient
    {

        public CommsApi(ApiClient api, Action<string>? log = null) : base(api, log) { }

        /// <summary>
        /// `POST /calls` (billable: never blindly retried). <paramref name="to"/> null calls the owner's phone. The call as
        /// the service created it; a failure in the body, a plan error or an answer without a call id throws.
        /// </summary>
        public async Task<DirectCall> StartCallAsync(string? to, string? greeting, string? purpose, string target, CancellationToken ct)
        {
            var body = new JObject();
            if (to != null) body["to"] = to;
            if (greeting != null) body["greeting"] = greeting;
            if (purpose != null) body["context"] = new JObject { ["purpose"] = purpose };
            JToken? response;
            try { response = await _api.SendAsync(HttpMethod.Post, "calls", body, RequestKind.Create, ct, _log, "Call", target).ConfigureAwait(false); }
            catch (ClawdTalkException ex) { throw WithAdvice(ex); }
            ThrowIfFailure(response, ErrorIds.CallFailed, "The call to " + target, target, "call_id");
            var created = Json.Unwrap(response, "call");
            var call = created == null ? null : DirectCall.FromJson(created, to);
            if (call == null || call.CallId.Length == 0)
                throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service accepted the call but returned no call_id.", target);
            return call;
        }

        /// <summary>`GET /calls/{id}`; an answer without a call object throws InvalidServerResponse.</summary>
        public async Task<DirectCall> GetCallAsync(string callId, string? fallbackTo, CancellationToken ct) =>
            await FindCallAsync(callId, fallbackTo, ct).ConfigureAwait(false)
                ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service returned no call object.", callId);

        /// <summary>`GET /calls/{id}`; null when the answer holds no call object.</summary>
        public async Task<DirectCall?> FindCallAsync(string callId, string? fallbackTo, CancellationToken ct)
        {
            var o = Json.Unwrap(await _api.SendAsync(HttpMethod.Get, "calls/" + E(callId), null, RequestKind.Idempotent, ct, _log, "Call", callId).ConfigureAwait(false), "call");
            if (o == null) return null;
            var call = DirectCall.FromJson(o, fallbackTo);
            if (call.CallId.Length == 0) call.CallId = callId;
            return call;
        }

        /// <summary>
        /// `POST /calls/{id}/end`: ending is idempotent on the service, so it may be retried. The ended call when the
        /// answer holds it (an id and a status), else null.
        /// </summary>
        public async Task<DirectCall?> EndCallAsync(string callId, string reason, CancellationToken ct)
        {
            var o = Json.Unwrap(await _api.SendAsync(HttpMethod.Post, "calls/" + E(callId) + "/end", new JObject { ["reason"] = reason }, RequestKind.Idempotent, ct, _log, "Call", callId).ConfigureAwait(false), "call");
            if (o == null || Json.Str(o, "call_id", "id") == null || Json.Str(o, "status") == null) return null;
            var call = DirectCall.FromJson(o);
            if (call.CallId.Length == 0) call.CallId = callId;
            return call;
        }

        /// <summary>`POST /messages/send` (billable: never blindly retried). The text as sent, what the answer leaves out filled from the request.</summary>
        public async Task<SmsMessage> SendSmsAsync(string to, string message, string[] media, CancellationToken ct)
        {
            var body = new JObject { ["to"] = to, ["message"] = message };
            if (media.Length > 0) body["media_urls"] = new JArray(media.Cast<object>().ToArray());
            JToken? response;
            try { response = await _api.SendAsync(HttpMethod.Post, "messages/send", body, RequestKind.Create, ct, _log, "Message", to).ConfigureAwait(false); }
            catch (ClawdTalkException ex) { throw WithAdvice(ex); }
            ThrowIfFailure(response, ErrorIds.SmsFailed, "The text to " + to, to, "id", "message_id");
            var sms = SmsMessage.FromJson(Json.Unwrap(response, "message", "sms") ?? new JObject(), SmsDirection.Outbound, to, message, media);
            if (sms.To == null) sms.To = to;
            if (sms.Contact == null) sms.Contact = to;
            return sms;
        }

        /// <summary>`GET /messages?limit&amp;contact&amp;direction` (the query values already checked by the caller): the messages and the total, when the service says.</summary>
        public async Task<(IReadOnlyList<SmsMessage> Items, int? Total)> ListMessagesAsync(int limit, string? contact, string? direction, CancellationToken ct)
        {
            var query = new List<string> { "limit=" + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (contact != null) query.Add("contact=" + E(contact));
            if (direction != null) query.Add("direction=" + direction);
            var response = await _api.SendAsync(HttpMethod.Get, "messages?" + string.Join("&", query), null, RequestKind.Idempotent, ct, _log, "Message", contact).ConfigureAwait(false);
            var total = (response as JObject)?["pagination"] is JObject p ? Json.Int(p, "total") : null;
            return (Json.UnwrapList(response, "messages").Select(o => SmsMessage.FromJson(o)).ToList(), total);
        }

        public async Task<IReadOnlyList<SmsConversation>> ListConversationsAsync(CancellationToken ct) =>
            Json.UnwrapList(await _api.SendAsync(HttpMethod.Get, "messages/conversations", null, RequestKind.Idempotent, ct, _log, "Conversation").ConfigureAwait(false), "conversations")
                .Select(SmsConversation.FromJson).ToList();

        /// <summary>
        /// The contract lets `POST /calls` and `POST /messages/send` report a failure as `{"error":…}` in the body; when such a
        /// body comes with a 2xx status it is still a failure. Plan errors become PaidPlanRequired, the rest <paramref name="failureId"/>.
        /// </summary>
        static void ThrowIfFailure(JToken? response, string failureId, string what, object? target, params string[] successKeys)
        {
            if (!(response is JObject o) || o["error"] == null || o["error"]!.Type == JTokenType.Null) return;
            if (successKeys.Any(k => o[k] != null && o[k]!.Type != JTokenType.Null)) return;
            var (code, message) = ApiClient.ParseErrorBody(o.ToString(Formatting.None));
            var text = message ?? "no message";
            if (IsPlanError(code, text))
                throw new ClawdTalkException(ErrorIds.PaidPlanRequired, ErrorCategory.PermissionDenied, $"{what}: this needs a paid ClawdTalk plan with a dedicated number: {text}", target)
                {
                    RecommendedAction = PaidPlanAdvice,
                };
            throw new ClawdTalkException(failureId, ErrorCategory.InvalidResult, $"{what} failed: {text}" + (code != null ? $" ({code})" : ""), target);
        }

        public const string PaidPlanAdvice = "Calls and texts to external numbers need a paid ClawdTalk plan with a dedicated number. Call the owner's phone (leave out -To), or upgrade the account.";

        static bool IsPlanError(string? code, string message) =>
            (code ?? "").IndexOf("plan", StringComparison.OrdinalIgnoreCase) >= 0
            || message.IndexOf("paid", StringComparison.OrdinalIgnoreCase) >= 0
            || message.IndexOf("plan", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>Adds the paid-plan advice to the API's PaidPlanRequired errors.</summary>
        static ClawdTalkException WithAdvice(ClawdTalkException ex)
        {
            if (ex.ErrorId == ErrorIds.PaidPlanRequired && ex.RecommendedAction == null) ex.RecommendedAction = PaidPlanAdvice;
            return ex;
        }
    }
}
