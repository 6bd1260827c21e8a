using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The direct call and SMS endpoints of the contract (calls, messages, conversations),
    /// async over the one pipeline; takes no cmdlet. Answers are returned as the service sent them: the callers check
    /// the `{"error":…}`-in-a-2xx shapes (CommsResponses) and unwrap.
    /// </summary>
    internal sealed class CommsApi
    {
        readonly ApiClient _api;
        readonly Action<string>? _log;

        public CommsApi(ApiClient api, Action<string>? log = null)
        {
            _api = api;
            _log = log;
        }

        static string E(string s) => ApiText.Segment(s);

        /// <summary>`POST /calls` (billable: never blindly retried).</summary>
        public Task<JToken?> StartCallAsync(JObject body, object? target, CancellationToken ct) =>
            _api.SendAsync(HttpMethod.Post, "calls", body, RequestKind.Create, ct, _log, "Call", target);

        public async Task<JObject?> GetCallAsync(string callId, CancellationToken ct) =>
            Json.Unwrap(await _api.SendAsync(HttpMethod.Get, "calls/" + E(callId), null, RequestKind.Idempotent, ct, _log, "Call", callId).ConfigureAwait(false), "call");

        /// <summary>`POST /calls/{id}/end`: ending is idempotent on the service, so it may be retried.</summary>
        public Task<JToken?> EndCallAsync(string callId, string reason, CancellationToken ct) =>
            _api.SendAsync(HttpMethod.Post, "calls/" + E(callId) + "/end", new JObject { ["reason"] = reason }, RequestKind.Idempotent, ct, _log, "Call", callId);

        /// <summary>`POST /messages/send` (billable: never blindly retried).</summary>
        public Task<JToken?> SendSmsAsync(JObject body, string to, CancellationToken ct) =>
            _api.SendAsync(HttpMethod.Post, "messages/send", body, RequestKind.Create, ct, _log, "Message", to);

        /// <summary>`GET /messages?limit&amp;contact&amp;direction` (the query values already checked by the caller).</summary>
        public Task<JToken?> ListMessagesAsync(int limit, string? contact, string? direction, CancellationToken ct)
        {
            var query = new List<string> { "limit=" + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (contact != null) query.Add("contact=" + E(contact));
            if (direction != null) query.Add("direction=" + direction);
            return _api.SendAsync(HttpMethod.Get, "messages?" + string.Join("&", query), null, RequestKind.Idempotent, ct, _log, "Message", contact);
        }

        public async Task<IReadOnlyList<JObject>> ListConversationsAsync(CancellationToken ct) =>
            Json.UnwrapList(await _api.SendAsync(HttpMethod.Get, "messages/conversations", null, RequestKind.Idempotent, ct, _log, "Conversation").ConfigureAwait(false), "conversations");
    }
}
