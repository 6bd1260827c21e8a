using System.Collections;
using System.Management.Automation.Language;
using System.Net.Http;
using ClawdTalk.Config;
using ClawdTalk.Session;

namespace ClawdTalk.Completers
{
    /// <summary>
    /// The assistants this session has seen (listed, created, changed), for tab completion. When it is empty or a minute
    /// old, a completion reads the first page of assistants from the service (<see cref="ServiceLookup"/>: two seconds at
    /// most, never an error).
    /// </summary>
    internal sealed class AssistantCache
    {
        readonly object _gate = new object();
        readonly Dictionary<string, string> _names = new Dictionary<string, string>(StringComparer.Ordinal);
        DateTime _fetched = DateTime.MinValue;

        public void Seen(Assistant a)
        {
            if (string.IsNullOrEmpty(a.AssistantId)) return;
            lock (_gate) _names[a.AssistantId] = a.Name ?? "";
        }

        public void Seen(IEnumerable<Assistant> all, bool complete)
        {
            lock (_gate)
            {
                foreach (var a in all) if (!string.IsNullOrEmpty(a.AssistantId)) _names[a.AssistantId] = a.Name ?? "";
                if (complete) _fetched = DateTime.UtcNow;
            }
        }

        public IReadOnlyList<(string Id, string Name)> Items(ModuleSession session)
        {
            bool stale;
            lock (_gate) stale = DateTime.UtcNow - _fetched > TimeSpan.FromMinutes(1);
            if (stale) Refresh(session);
            lock (_gate) return _names.Select(kv => (kv.Key, kv.Value)).ToList();
        }

        void Refresh(ModuleSession session)
        {
            var assistants = ServiceLookup.FetchAssistants(session);
            if (assistants != null) Seen(assistants, complete: true);
            else lock (_gate) _fetched = DateTime.UtcNow; // not connected or unreachable: do not retry at every key press
        }
    }

    /// <summary>Completes assistant names (Get-/Set-ClawdTalkAssistant -Name), quoted when needed, with the id as tooltip.</summary>
    public sealed class AssistantNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var session = ModuleSession.Current;
            var items = session.Feature(() => new AssistantCache()).Items(session);
            var word = (wordToComplete ?? "").Trim('\'', '"');
            return items.Where(i => i.Name.Length > 0 && (i.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase) || (word.Length > 0 && i.Name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)))
                .OrderBy(i => i.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase)
                .GroupBy(i => i.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.First())
                .Select(i => new CompletionResult(StoreForCompletion.Quote(i.Name), i.Name, CompletionResultType.ParameterValue, $"{i.Name} ({i.Id})"))
                .ToList();
        }
    }

    /// <summary>Completes assistant ids, showing each assistant's name (an id completer over the session's <see cref="AssistantCache"/>).</summary>
    public sealed class AssistantIdCompleter : IdCompleter
    {
        internal override IEnumerable<Item> Items(ModuleSession session, IDictionary bound) =>
            session.Feature(() => new AssistantCache()).Items(session).OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => new Item(i.Id, i.Name, i.Name));
    }

    /// <summary>Completes the time zone ids this system knows (IANA on Linux and macOS).</summary>
    public sealed class TimeZoneCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? "").Trim('\'', '"');
            return TimeZoneInfo.GetSystemTimeZones()
                .Where(z => z.Id.StartsWith(word, StringComparison.OrdinalIgnoreCase) || (word.Length > 1 && z.Id.IndexOf("/" + word, StringComparison.OrdinalIgnoreCase) >= 0))
                .OrderBy(z => z.Id, StringComparer.Ordinal)
                .Select(z => new CompletionResult(StoreForCompletion.Quote(z.Id), z.Id, CompletionResultType.ParameterValue, z.DisplayName))
                .ToList();
        }
    }
}
