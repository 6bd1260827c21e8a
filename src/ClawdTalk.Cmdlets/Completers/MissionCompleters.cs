using System.Collections;
using System.Management.Automation.Language;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Completers
{
    /// <summary>Shared reading for the mission completers: the session's state store, never throwing.</summary>
    internal static class StoreForCompletion
    {
        public static List<KeyValuePair<string, JObject>> Entries()
        {
            try { return MissionStateStore.Default.Entries().ToList(); }
            catch (Exception) { return new List<KeyValuePair<string, JObject>>(); }
        }

        public static string Quote(string s) => s.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', ',', '@', '#' }) >= 0 ? "'" + s.Replace("'", "''") + "'" : s;

        public static IEnumerable<CompletionResult> Match(IEnumerable<(string value, string tip)> items, string? word)
        {
            var w = (word ?? "").Trim('\'', '"');
            return items.Where(i => i.value.StartsWith(w, StringComparison.OrdinalIgnoreCase))
                .Select(i => new CompletionResult(Quote(i.value), i.value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(i.tip) ? i.value : i.tip));
        }

        public static string? Bound(IDictionary fake, string name) => fake != null && fake.Contains(name) ? Convert.ToString(fake[name] is PSObject p ? p.BaseObject : fake[name]) : null;
    }

    /// <summary>Completes slugs of the state store (active missions first), showing each mission's name and status.</summary>
    public sealed class SlugCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            StoreForCompletion.Match(StoreForCompletion.Entries()
                .OrderBy(p => (Json.Str(p.Value, StateKeys.Status) ?? "active") == "active" ? 0 : 1).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => (p.Key, $"{Json.Str(p.Value, StateKeys.MissionName)} ({Json.Str(p.Value, StateKeys.Status) ?? "active"})")), wordToComplete);
    }

    /// <summary>Completes step ids from the plan stored for the -Slug (or -MissionId/-RunId) already typed, else of every active mission.</summary>
    public sealed class StepIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var slug = StoreForCompletion.Bound(fakeBoundParameters, "Slug");
            var mid = StoreForCompletion.Bound(fakeBoundParameters, "MissionId");
            var rid = StoreForCompletion.Bound(fakeBoundParameters, "RunId");
            var entries = StoreForCompletion.Entries().Where(p =>
                slug != null ? p.Key == slug
                : mid != null ? Json.Str(p.Value, StateKeys.MissionId) == mid && (rid == null || Json.Str(p.Value, StateKeys.RunId) == rid)
                : (Json.Str(p.Value, StateKeys.Status) ?? "active") == "active");
            var steps = new List<(string, string)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in entries)
                foreach (var s in MissionStateStore.StepsOf(e.Value))
                {
                    var id = Json.Str(s, "step_id");
                    if (id != null && seen.Add(id)) steps.Add((id, $"{Json.Str(s, "description")} ({Json.Str(s, "status") ?? "pending"})"));
                }
            return StoreForCompletion.Match(steps, wordToComplete);
        }
    }

    /// <summary>Completes the step statuses of the contract.</summary>
    public sealed class StepStatusCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            StoreForCompletion.Match(UserInput.WireNames<StepStatus>().Select(n => (n, "")), wordToComplete);
    }

    /// <summary>Completes the run statuses of the contract.</summary>
    public sealed class RunStatusCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            StoreForCompletion.Match(UserInput.WireNames<RunStatus>().Select(n => (n, "")), wordToComplete);
    }

    /// <summary>Completes the run event types of the contract.</summary>
    public sealed class EventTypeCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            StoreForCompletion.Match(UserInput.WireNames<MissionEventType>().Select(n => (n, "")), wordToComplete);
    }

    /// <summary>Completes the memory keys of the -Slug already typed.</summary>
    public sealed class MemoryKeyCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var slug = StoreForCompletion.Bound(fakeBoundParameters, "Slug");
            var keys = StoreForCompletion.Entries().Where(p => slug == null || p.Key == slug)
                .SelectMany(p => (p.Value[StateKeys.Memory] as JObject)?.Properties().Select(x => x.Name) ?? Enumerable.Empty<string>())
                .Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal);
            return StoreForCompletion.Match(keys.Select(k => (k, "")), wordToComplete);
        }
    }
}
