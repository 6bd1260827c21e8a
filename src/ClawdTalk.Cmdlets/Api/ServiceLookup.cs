using System.Net.Http;
using ClawdTalk.Config;
using ClawdTalk.Session;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>
    /// The one way a completer asks the service: one GET, not retried, given up after <see cref="Timeout"/>, never an error
    /// (not connected, unreachable, a bad answer: nothing), and its answer (or its failure) kept a minute per path, so a key
    /// press after the first costs nothing. One per session.
    /// </summary>
    internal sealed class ServiceLookup
    {
        /// <summary>What a completion may spend waiting for the service.</summary>
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
        static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);

        readonly object _gate = new object();
        readonly Dictionary<string, (DateTime At, JToken? Answer)> _answers = new Dictionary<string, (DateTime, JToken?)>(StringComparer.Ordinal);

        public static ServiceLookup For(ModuleSession session) => session.Feature(() => new ServiceLookup());

        /// <summary>The answer to GET <paramref name="path"/>, from the last minute's if there is one; null when it failed.</summary>
        JToken? Get(ModuleSession session, string path, string resource)
        {
            lock (_gate)
                if (_answers.TryGetValue(path, out var known) && DateTime.UtcNow - known.At < Fresh) return known.Answer;
            var answer = Fetch(session, path, resource);
            lock (_gate) _answers[path] = (DateTime.UtcNow, answer);
            return answer;
        }

        // what the completers show of the service's lists, read here (the completers' boundary) from every shape the contract allows

        /// <summary>The newest missions: id and name ("" when it has none).</summary>
        public IEnumerable<(string Id, string Name)> Missions(ModuleSession session) =>
            from o in Json.UnwrapList(Get(session, "missions?page[size]=50", "Mission"), "missions")
            let id = Json.Str(o, "id", "mission_id") where id != null
            select (id, Json.Str(o, "name") ?? "");

        /// <summary>The runs of a mission, newest first: id, the service's status word and when it was created.</summary>
        public IEnumerable<(string Id, string? Status, DateTimeOffset? CreatedAt)> Runs(ModuleSession session, string missionId) =>
            from r in Json.UnwrapList(Get(session, $"missions/{ApiText.Segment(missionId)}/runs", "Mission"), "runs")
            orderby Json.Date(r, "created_at") ?? DateTimeOffset.MinValue descending
            let id = Json.Str(r, "run_id", "id") where id != null
            select (id, Json.Str(r, "status"), Json.Date(r, "created_at"));

        /// <summary>An assistant's scheduled events: id, number, channel word and state (<see cref="EventState"/>).</summary>
        public IEnumerable<(string Id, string? To, string? Channel, string State)> AssistantEvents(ModuleSession session, string assistantId) =>
            from e in Json.UnwrapList(Get(session, $"assistants/{ApiText.Segment(assistantId)}/events", "Assistant"), "events")
            let id = Json.Str(e, "id", "event_id") where id != null
            select (id, Json.Str(e, "to"), Json.Str(e, "channel"), EventState(e));

        /// <summary>The first page of assistants, straight from the service (not kept: the assistant cache keeps them); null when it could not be read.</summary>
        public static IReadOnlyList<Assistant>? FetchAssistants(ModuleSession session)
        {
            var token = Fetch(session, "assistants?pageSize=100&page=1", "Assistant");
            return token == null ? null : Json.UnwrapList(token, "assistants").Select(Assistant.From).ToList();
        }

        /// <summary>How a completion names a scheduled event's state: its outcome, else its call status, else its status, else pending.</summary>
        internal static string EventState(JObject r) => Json.Str(r, "outcome") ?? Json.Str(r, "call_status") ?? Json.Str(r, "status") ?? "pending";

        /// <summary>Forgets what was read (after a command changed it: a new mission, a new run).</summary>
        public void Forget(string pathPrefix)
        {
            lock (_gate)
                foreach (var k in new List<string>(_answers.Keys))
                    if (k.StartsWith(pathPrefix, StringComparison.Ordinal)) _answers.Remove(k);
        }

        /// <summary>One quiet request: null on any failure.</summary>
        static JToken? Fetch(ModuleSession session, string path, string resource)
        {
            try
            {
                var api = session.ClientFor(ConnectionResolver.Resolve(session));
                using var cts = new CancellationTokenSource(Timeout);
                return api.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, cts.Token, null, resource, null, noRetry: true)
                    .GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                return null; // a completer never throws, prompts or hangs
            }
        }
    }
}
