using System.Collections;
using System.Management.Automation.Language;
using ClawdTalk.Bridge;
using ClawdTalk.Session;

namespace ClawdTalk.Completers
{
    /// <summary>Completes the names of the bridges started in this session.</summary>
    public sealed class BridgeNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? "").Trim('\'', '"');
            return ModuleSession.Current.Feature(() => new BridgeRegistry()).All()
                .Select(j => j.Name).Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }
    }
}
