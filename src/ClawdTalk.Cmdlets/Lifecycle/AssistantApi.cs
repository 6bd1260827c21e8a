using System.Collections.Generic;
using System.Net.Http;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Lifecycle
{
    /// <summary>
    /// The assistant and phone-number endpoints Add-ClawdTalkAgent needs (the published setup-agent). Kept internal
    /// here; the assistant cmdlets are built separately on the same endpoints.
    /// </summary>
    internal sealed class AssistantApi
    {
        public const string DefaultModel = "openai/gpt-4o";
        public const string DefaultVoice = "Rime.ArcanaV3.astra";

        readonly ClawdTalkApiCmdlet _c;
        public AssistantApi(ClawdTalkApiCmdlet cmdlet) { _c = cmdlet; }

        static string E(string s) => ClawdTalkApiCmdlet.Esc(s);

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

        public JObject? Create(JObject body) => Json.Unwrap(_c.Send(HttpMethod.Post, "assistants", body, RequestKind.Create, "Assistant"), "assistant");

        public JObject? Get(string id) => Json.Unwrap(_c.Get($"assistants/{E(id)}", "Assistant", id), "assistant");

        public IReadOnlyList<JObject> FindByName(string name) =>
            Json.UnwrapList(_c.Get($"assistants?pageSize=100&page=1&name={E(name)}", "Assistant"), "assistants");

        /// <summary>One page of assistants (`GET /assistants?pageSize&amp;page&amp;name`) and the page count from `meta` (null when absent).</summary>
        public (IReadOnlyList<JObject> Items, int? TotalPages, int? Total) ListPage(int page, int pageSize, string? nameContains)
        {
            var q = $"assistants?pageSize={pageSize}&page={page}" + (string.IsNullOrEmpty(nameContains) ? "" : "&name=" + E(nameContains!));
            var token = _c.Get(q, "Assistant");
            var meta = (token as JObject)?["meta"] as JObject ?? ((token as JObject)?["data"] as JObject)?["meta"] as JObject;
            return (Json.UnwrapList(token, "assistants"), Json.Int(meta, "total_pages", "page_count"), Json.Int(meta, "total_results", "total"));
        }

        /// <summary>`PATCH /assistants/{id}` with only the fields to change.</summary>
        public JObject? Update(string id, JObject changes) =>
            Json.Unwrap(_c.Send(ClawdTalkApiCmdlet.Patch, $"assistants/{E(id)}", changes, RequestKind.Idempotent, "Assistant", id), "assistant");

        /// <summary>The assistant's connection id for `telephony` or `messaging`; null when it has none.</summary>
        public string? ConnectionId(string id, string feature) =>
            Json.Str(Json.Unwrap(_c.Get($"assistants/{E(id)}/connection-id?feature={feature}", "Assistant", id), "data"), "connection_id");

        public IReadOnlyList<JObject> Numbers() => Json.UnwrapList(_c.Get("numbers/account-phones", "PhoneNumber"), "phones", "numbers");

        /// <summary>The first number without a connection (`{"phone":{id, phone_number}}`); null when there is none.</summary>
        public JObject? AvailableNumber()
        {
            var t = _c.Get("numbers/account-phones/available", "PhoneNumber") as JObject;
            if (t == null) return null;
            var phone = t["phone"] as JObject ?? (t["data"] as JObject)?["phone"] as JObject ?? t["data"] as JObject;
            return phone != null && Json.Str(phone, "id") != null ? phone : null;
        }

        public JObject? AssignNumber(string phoneId, string connectionId, string type) =>
            Json.Unwrap(_c.Send(ClawdTalkApiCmdlet.Patch, $"numbers/account-phones/{E(phoneId)}",
                new JObject { ["connection_id"] = connectionId, ["type"] = type }, RequestKind.Idempotent, "PhoneNumber", phoneId));
    }
}
