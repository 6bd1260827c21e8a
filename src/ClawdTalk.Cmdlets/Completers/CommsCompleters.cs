using System.Collections;
using System.Management.Automation.Language;
using ClawdTalk.Commands.Calls;
using ClawdTalk.Session;

namespace ClawdTalk.Completers
{
    /// <summary>Completion from what this session's calls, SMS and approval cmdlets saw: no network round trip while typing.</summary>
    public abstract class CommsHistoryCompleter : IArgumentCompleter
    {
        internal abstract IReadOnlyList<(string Value, string Hint)> Items(CommsHistory history);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? "").Trim('\'', '"');
            var history = ModuleSession.Current.Feature(() => new CommsHistory());
            return Items(history)
                .Where(i => i.Value.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                            || (word.Length > 0 && i.Value.Replace("+", "").StartsWith(word.Replace("+", ""), StringComparison.OrdinalIgnoreCase)))
                .Select(i => new CompletionResult(i.Value, i.Value, CompletionResultType.ParameterValue, i.Hint.Length == 0 ? i.Value : i.Hint))
                .ToList();
        }
    }

    /// <summary>Completes call ids of calls started or read in this session.</summary>
    public sealed class CallIdCompleter : CommsHistoryCompleter
    {
        internal override IReadOnlyList<(string Value, string Hint)> Items(CommsHistory history) => history.Calls;
    }

    /// <summary>Completes phone numbers called, texted or listed in this session.</summary>
    public sealed class ContactCompleter : CommsHistoryCompleter
    {
        internal override IReadOnlyList<(string Value, string Hint)> Items(CommsHistory history) => history.Contacts;
    }

    /// <summary>Completes approval request ids requested or listed in this session.</summary>
    public sealed class ApprovalIdCompleter : CommsHistoryCompleter
    {
        internal override IReadOnlyList<(string Value, string Hint)> Items(CommsHistory history) => history.Approvals;
    }
}
