using System.Collections;
using System.Management.Automation.Language;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.Session;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Completers
{
    /// <summary>
    /// The id completers (missions, runs, scheduled events, conversations): the ids this machine's state store holds, and the
    /// service's where one cheap request lists them (<see cref="ServiceLookup"/>: two seconds at most, a minute's cache), each
    /// with the name or number it stands for as its tooltip. A word matches an id's start, or the start of its name.
    /// Quiet: any failure completes what is known, or nothing.
    /// </summary>
    public abstract class IdCompleter : IArgumentCompleter
    {
        /// <summary>An id, the text the list shows beside it, and the tooltip.</summary>
        internal readonly struct Item
        {
            public Item(string id, string name, string tip) { Id = id; Name = name; Tip = tip; }
            public string Id { get; }
            public string Name { get; }
            public string Tip { get; }
        }

        internal abstract IEnumerable<Item> Items(ModuleSession session, IDictionary bound);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var word = (wordToComplete ?? "").Trim('\'', '"');
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var items = Items(ModuleSession.Current, fakeBoundParameters ?? new Hashtable())
                    .Where(i => i.Id.Length > 0 && seen.Add(i.Id)).ToList();
                return items
                    .Where(i => i.Id.StartsWith(word, StringComparison.OrdinalIgnoreCase) || (word.Length > 0 && i.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase)))
                    .OrderBy(i => i.Id.StartsWith(word, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                    .Select(i => new CompletionResult(StoreForCompletion.Quote(i.Id), i.Name.Length > 0 ? $"{i.Id} {i.Name}" : i.Id, CompletionResultType.ParameterValue,
                        i.Tip.Length > 0 ? i.Tip : i.Id))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }
        }

        internal static string? Bound(IDictionary bound, string name) => StoreForCompletion.Bound(bound, name) is string s && s.Length > 0 ? s : null;

        /// <summary>The store's entries, the bound -Slug's only when there is one.</summary>
        internal static IEnumerable<KeyValuePair<string, JObject>> Entries(IDictionary bound)
        {
            var slug = Bound(bound, "Slug");
            return StoreForCompletion.Entries().Where(p => slug == null || p.Key == slug);
        }

        internal static string Status(JObject entry) => Json.Str(entry, StateKeys.Status) ?? "active";
    }

    /// <summary>Completes mission ids: the store's (name, slug, status) and the service's newest missions (one request).</summary>
    public sealed class MissionIdCompleter : IdCompleter
    {
        internal override IEnumerable<Item> Items(ModuleSession session, IDictionary bound)
        {
            foreach (var p in Entries(bound))
                if (Json.Str(p.Value, StateKeys.MissionId) is string id)
                {
                    var name = Json.Str(p.Value, StateKeys.MissionName) ?? p.Key;
                    yield return new Item(id, name, $"{name} (mission '{p.Key}', {Status(p.Value)})");
                }
            if (Bound(bound, "Slug") != null) yield break;
            foreach (var (id, name) in ServiceLookup.For(session).Missions(session))
                yield return new Item(id, name, name.Length > 0 ? name : id);
        }
    }

    /// <summary>
    /// Completes run ids: of the -MissionId typed (the store's and the service's list of its runs, one request), of the -Slug
    /// typed, or of every mission of the store; the current run and the earlier ones (previous_runs), each with its status.
    /// </summary>
    public sealed class RunIdCompleter : IdCompleter
    {
        internal override IEnumerable<Item> Items(ModuleSession session, IDictionary bound)
        {
            var mid = Bound(bound, "MissionId");
            foreach (var p in Entries(bound))
            {
                var name = Json.Str(p.Value, StateKeys.MissionName) ?? p.Key;
                var entryMission = Json.Str(p.Value, StateKeys.MissionId);
                if (Json.Str(p.Value, StateKeys.RunId) is string current && (mid == null || entryMission == mid))
                    yield return new Item(current, name, $"{name}: the current run of '{p.Key}' ({Json.Str(p.Value, StateKeys.RunStatus) ?? Status(p.Value)})");
                if (p.Value[StateKeys.PreviousRuns] is JArray history)
                    foreach (var h in history.OfType<JObject>().Reverse())
                        if (Json.Str(h, "run_id") is string rid && (mid == null || (Json.Str(h, "mission_id") ?? entryMission) == mid))
                            yield return new Item(rid, name, $"{name}: an earlier run of '{p.Key}' ({Json.Str(h, "status") ?? "ended"}"
                                + (Json.Str(h, "result_summary") is string sum ? ": " + sum : "") + ")");
            }
            if (mid == null) yield break;
            foreach (var (rid, status, created) in ServiceLookup.For(session).Runs(session, mid))
                yield return new Item(rid, "", $"a run of {mid} ({status ?? "unknown"}"
                    + (created is DateTimeOffset c ? $", created {SchedulePlanner.Show(c)}" : "") + ")");
        }
    }

    /// <summary>
    /// Completes scheduled event ids: the event records of the -Slug typed (else of every mission, the active ones first,
    /// the latest events first), and with an -AssistantId typed the service's list of that assistant's events (one request);
    /// each with its number, name and state.
    /// </summary>
    public sealed class EventIdCompleter : IdCompleter
    {
        internal override IEnumerable<Item> Items(ModuleSession session, IDictionary bound)
        {
            var aid = Bound(bound, "AssistantId");
            foreach (var p in Entries(bound).OrderBy(p => Status(p.Value) == "active" ? 0 : 1))
            {
                foreach (var r in EventRecords.Read(p.Value).Reverse())
                {
                    if (aid != null && Json.Str(r, "assistant_id") is string a && a != aid) continue;
                    if (Json.Str(r, "event_id") is string id)
                        yield return new Item(id, Who(r), $"{Who(r)}: {State(r)}, attempt {Json.Int(r, "attempt") ?? 1} (mission '{p.Key}')");
                }
            }
            if (aid == null) yield break;
            foreach (var (id, to, channel, state) in ServiceLookup.For(session).AssistantEvents(session, aid))
                yield return new Item(id, to ?? "", $"{channel ?? "call"} to {to}: {state}");
        }

        internal static string Who(JObject r) => (Json.Str(r, "to") ?? "") + (Json.Str(r, "name") is string n ? $" ({n})" : "");

        internal static string State(JObject r) => ServiceLookup.EventState(r);
    }

    /// <summary>Completes conversation ids: those of the finished calls the store's event records hold, each with its number and name.</summary>
    public sealed class ConversationIdCompleter : IdCompleter
    {
        internal override IEnumerable<Item> Items(ModuleSession session, IDictionary bound)
        {
            foreach (var p in Entries(bound))
                foreach (var r in EventRecords.Read(p.Value).Reverse())
                    if (Json.Str(r, "conversation_id") is string id)
                        yield return new Item(id, EventIdCompleter.Who(r), $"{EventIdCompleter.Who(r)}: {EventIdCompleter.State(r)} (mission '{p.Key}')");
        }
    }
}
