using System.Net.Http;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The assistant and phone-number endpoints of the contract, async over the one pipeline; takes no cmdlet.
    /// Used by Add-ClawdTalkAgent (the published setup-agent) and the assistant and number cmdlets.
    /// </summary>
    internal sealed class AssistantsApi : EndpointClient
    {
        public const string DefaultModel = "openai/gpt-4o";
        public const string DefaultVoice = "Rime.ArcanaV3.astra";

        public AssistantsApi(ApiClient api, Action<string>? log = null) : base(api, log) { }

        Task<JToken?> Get(string path, string resource, object? target, CancellationToken ct) =>
            _api.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, ct, _log, resource, target);

        /// <summary>The published client's defaults: hang-up and DTMF tools, telephony and messaging.</summary>
        public static AssistantFields CreateBody(string name, string instructions, string greeting, string voice, string model, string? description) =>
            new AssistantFields(new JObject
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
            });

        /// <summary>`POST /assistants`: the assistant created, null when the answer holds no object.</summary>
        public async Task<Assistant?> CreateAsync(AssistantFields fields, CancellationToken ct) =>
            Read(Json.Unwrap(await _api.SendAsync(HttpMethod.Post, "assistants", fields.Body, RequestKind.Create, ct, _log, "Assistant").ConfigureAwait(false), "assistant"));

        /// <summary>`GET /assistants/{id}`; an answer without the assistant throws InvalidServerResponse.</summary>
        public async Task<Assistant> GetAsync(string id, CancellationToken ct) =>
            Read(Json.Unwrap(await Get($"assistants/{E(id)}", "Assistant", id, ct).ConfigureAwait(false), "assistant"))
                ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, $"The service answered without the assistant {id}.", id);

        public async Task<IReadOnlyList<Assistant>> FindByNameAsync(string name, CancellationToken ct) =>
            Json.UnwrapList(await Get($"assistants?pageSize=100&page=1&name={E(name)}", "Assistant", null, ct).ConfigureAwait(false), "assistants").Select(Assistant.From).ToList();

        static Assistant? Read(JObject? o) => o == null ? null : Assistant.From(o);

        /// <summary>One page of assistants (`GET /assistants?pageSize&amp;page&amp;name`) and the page count from `meta` (null when absent).</summary>
        public async Task<(IReadOnlyList<Assistant> Items, int? TotalPages, int? Total)> ListPageAsync(int page, int pageSize, string? nameContains, CancellationToken ct)
        {
            var q = $"assistants?pageSize={pageSize}&page={page}" + (string.IsNullOrEmpty(nameContains) ? "" : "&name=" + E(nameContains!));
            var token = await Get(q, "Assistant", null, ct).ConfigureAwait(false);
            var meta = (token as JObject)?["meta"] as JObject ?? ((token as JObject)?["data"] as JObject)?["meta"] as JObject;
            return (Json.UnwrapList(token, "assistants").Select(Assistant.From).ToList(), Json.Int(meta, "total_pages", "page_count"), Json.Int(meta, "total_results", "total"));
        }

        /// <summary>`PATCH /assistants/{id}` with only the fields to change; an answer without the assistant throws InvalidServerResponse.</summary>
        public async Task<Assistant> UpdateAsync(string id, AssistantFields changes, CancellationToken ct)
        {
            var a = Read(Json.Unwrap(await _api.SendAsync(MissionsApi.Patch, $"assistants/{E(id)}", changes.Body, RequestKind.Idempotent, ct, _log, "Assistant", id).ConfigureAwait(false), "assistant"))
                ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, $"The service answered without the assistant {id}.", id);
            if (string.IsNullOrEmpty(a.AssistantId)) a.AssistantId = id;
            return a;
        }

        /// <summary>The assistant's connection id for `telephony` or `messaging`; null when it has none.</summary>
        public async Task<string?> ConnectionIdAsync(string id, string feature, CancellationToken ct) =>
            Json.Str(Json.Unwrap(await Get($"assistants/{E(id)}/connection-id?feature={feature}", "Assistant", id, ct).ConfigureAwait(false), "data"), "connection_id");

        public async Task<IReadOnlyList<AccountPhoneNumber>> NumbersAsync(CancellationToken ct) =>
            Json.UnwrapList(await Get("numbers/account-phones", "PhoneNumber", null, ct).ConfigureAwait(false), "phones", "numbers").Select(AccountPhoneNumber.From).ToList();

        /// <summary>The first number without a connection (`{"phone":{id, phone_number}}`); null when there is none.</summary>
        public async Task<AccountPhoneNumber?> AvailableNumberAsync(CancellationToken ct)
        {
            var t = await Get("numbers/account-phones/available", "PhoneNumber", null, ct).ConfigureAwait(false) as JObject;
            if (t == null) return null;
            var phone = t["phone"] as JObject ?? (t["data"] as JObject)?["phone"] as JObject ?? t["data"] as JObject;
            return phone != null && Json.Str(phone, "id") != null ? AccountPhoneNumber.From(phone) : null;
        }

        /// <summary>`PATCH /numbers/account-phones/{id}`: the number as the service now has it, null when the answer holds no number (no id).</summary>
        public async Task<AccountPhoneNumber?> AssignNumberAsync(string phoneId, string connectionId, string type, CancellationToken ct)
        {
            var o = Json.Unwrap(await _api.SendAsync(MissionsApi.Patch, $"numbers/account-phones/{E(phoneId)}",
                new JObject { ["connection_id"] = connectionId, ["type"] = type }, RequestKind.Idempotent, ct, _log, "PhoneNumber", phoneId).ConfigureAwait(false));
            return o != null && Json.Str(o, "id") != null ? AccountPhoneNumber.From(o) : null;
        }
    }
}
