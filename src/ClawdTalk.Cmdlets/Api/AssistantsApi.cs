using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The assistant and phone-number endpoints of the contract, async over the one pipeline; takes no cmdlet.
    /// Used by Add-ClawdTalkAgent (the published setup-agent) and the assistant and number cmdlets.
    /// </summary>
    internal sealed class AssistantsApi
    {
        public const string DefaultModel = "openai/gpt-4o";
        public const string DefaultVoice = "Rime.ArcanaV3.astra";

        readonly ApiClient _api;
        readonly Action<string>? _log;

        public AssistantsApi(ApiClient api, Action<string>? log = null)
        {
            _api = api;
            _log = log;
        }

        static string E(string s) => ApiText.Segment(s);

        Task<JToken?> Get(string path, string resource, object? target, CancellationToken ct) =>
            _api.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, ct, _log, resource, target);

        /// <summary>The published client's defaults: hang-up and DTMF tools, telephony and messaging.</summary>
        public static JObject CreateBody(string name, string instructions, string greeting, string voice, string model, string? description) =>
            new JObject
            {
                ["name"] = name,
                ["model"] = model,
                ["instructions"] = instructions,
                ["greeting"] = greeting,
                ["voice"] = voice,
                ["tools"] = new JArray(
                    new JObject { ["type"] = "hangup", ["hangup"] = new JObject { ["description"] = "Hang up the call when the conversation is finished." } },
                    new JObject { ["type"] = "send_dtmf", ["send_dtmf"] = new JObject() }),
                ["enabled_features"] = new JArray("telephony", "messaging"),
                ["description"] = description,
            };

        public async Task<JObject?> CreateAsync(JObject body, CancellationToken ct) =>
            Json.Unwrap(await _api.SendAsync(HttpMethod.Post, "assistants", body, RequestKind.Create, ct, _log, "Assistant").ConfigureAwait(false), "assistant");

        public async Task<JObject?> GetAsync(string id, CancellationToken ct) =>
            Json.Unwrap(await Get($"assistants/{E(id)}", "Assistant", id, ct).ConfigureAwait(false), "assistant");

        public async Task<IReadOnlyList<JObject>> FindByNameAsync(string name, CancellationToken ct) =>
            Json.UnwrapList(await Get($"assistants?pageSize=100&page=1&name={E(name)}", "Assistant", null, ct).ConfigureAwait(false), "assistants");

        /// <summary>One page of assistants (`GET /assistants?pageSize&amp;page&amp;name`) and the page count from `meta` (null when absent).</summary>
        public async Task<(IReadOnlyList<JObject> Items, int? TotalPages, int? Total)> ListPageAsync(int page, int pageSize, string? nameContains, CancellationToken ct)
        {
            var q = $"assistants?pageSize={pageSize}&page={page}" + (string.IsNullOrEmpty(nameContains) ? "" : "&name=" + E(nameContains!));
            var token = await Get(q, "Assistant", null, ct).ConfigureAwait(false);
            var meta = (token as JObject)?["meta"] as JObject ?? ((token as JObject)?["data"] as JObject)?["meta"] as JObject;
            return (Json.UnwrapList(token, "assistants"), Json.Int(meta, "total_pages", "page_count"), Json.Int(meta, "total_results", "total"));
        }

        /// <summary>`PATCH /assistants/{id}` with only the fields to change.</summary>
        public async Task<JObject?> UpdateAsync(string id, JObject changes, CancellationToken ct) =>
            Json.Unwrap(await _api.SendAsync(MissionsApi.Patch, $"assistants/{E(id)}", changes, RequestKind.Idempotent, ct, _log, "Assistant", id).ConfigureAwait(false), "assistant");

        /// <summary>The assistant's connection id for `telephony` or `messaging`; null when it has none.</summary>
        public async Task<string?> ConnectionIdAsync(string id, string feature, CancellationToken ct) =>
            Json.Str(Json.Unwrap(await Get($"assistants/{E(id)}/connection-id?feature={feature}", "Assistant", id, ct).ConfigureAwait(false), "data"), "connection_id");

        public async Task<IReadOnlyList<JObject>> NumbersAsync(CancellationToken ct) =>
            Json.UnwrapList(await Get("numbers/account-phones", "PhoneNumber", null, ct).ConfigureAwait(false), "phones", "numbers");

        /// <summary>The first number without a connection (`{"phone":{id, phone_number}}`); null when there is none.</summary>
        public async Task<JObject?> AvailableNumberAsync(CancellationToken ct)
        {
            var t = await Get("numbers/account-phones/available", "PhoneNumber", null, ct).ConfigureAwait(false) as JObject;
            if (t == null) return null;
            var phone = t["phone"] as JObject ?? (t["data"] as JObject)?["phone"] as JObject ?? t["data"] as JObject;
            return phone != null && Json.Str(phone, "id") != null ? phone : null;
        }

        public async Task<JObject?> AssignNumberAsync(string phoneId, string connectionId, string type, CancellationToken ct) =>
            Json.Unwrap(await _api.SendAsync(MissionsApi.Patch, $"numbers/account-phones/{E(phoneId)}",
                new JObject { ["connection_id"] = connectionId, ["type"] = type }, RequestKind.Idempotent, ct, _log, "PhoneNumber", phoneId).ConfigureAwait(false));
    }
}
