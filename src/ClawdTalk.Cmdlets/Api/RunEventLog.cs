using System.Net.Http;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The one run-event log (a run's timeline, `POST /missions/{id}/runs/{id}/events`): events logged from any thread
    /// and process, never twice and never lost. Each carries a client key in its payload; when the answer to the POST is
    /// lost the run's events are read back, and it is sent again only when it is not there (<see cref="CreateOnce"/>).
    /// </summary>
    internal static class RunEventLog
    {
        const int MaxSends = 4;
        internal static TimeSpan SettleDelay = TimeSpan.FromMilliseconds(500);

        /// <summary>
        /// Logs <paramref name="body"/> once; returns the logged event (or the one found with its key). A null
        /// <paramref name="clientKey"/> logs it as given (a payload that is not an object cannot carry a key): a lost
        /// answer is then reported, never sent again. <paramref name="checkFirst"/> looks for the key before sending (a
        /// rerun that may have logged it already).
        /// </summary>
        public static async Task<JObject> LogAsync(ApiClient api, string missionId, string runId, JObject body, string? clientKey, Action<string> log, CancellationToken ct,
            bool checkFirst = false)
        {
            var path = $"missions/{ApiText.Segment(missionId)}/runs/{ApiText.Segment(runId)}/events";
            if (clientKey != null)
            {
                if (body["payload"] == null || body["payload"]!.Type == JTokenType.Null) body["payload"] = new JObject();
                if (body["payload"] is JObject payload) payload["client_key"] = clientKey;
                else clientKey = null;
            }
            if (checkFirst && clientKey != null && await FindAsync(api, path, runId, clientKey, log, ct).ConfigureAwait(false) is JObject already) return already;
            return await CreateOnce.SendAsync(
                async c => Json.Unwrap(await api.SendAsync(HttpMethod.Post, path, body, RequestKind.Create, c, log, "Run", runId).ConfigureAwait(false), "event") ?? new JObject(),
                async (lost, c) =>
                {
                    if (clientKey == null) return LostAnswer<JObject>.Unknown;
                    await Task.Delay(SettleDelay, c).ConfigureAwait(false);
                    if (await FindAsync(api, path, runId, clientKey, log, c).ConfigureAwait(false) is JObject found) return LostAnswer<JObject>.Found(found);
                    log($"The run event '{clientKey}' did not land; logging it again.");
                    return LostAnswer<JObject>.NotThere;
                },
                MaxSends, ct).ConfigureAwait(false);
        }

        static async Task<JObject?> FindAsync(ApiClient api, string path, string runId, string clientKey, Action<string> log, CancellationToken ct)
        {
            var listed = Json.UnwrapList(await api.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, ct, log, "Run", runId).ConfigureAwait(false), "events");
            return listed.FirstOrDefault(e => Json.Str(e["payload"] as JObject, "client_key") == clientKey);
        }
    }
}
