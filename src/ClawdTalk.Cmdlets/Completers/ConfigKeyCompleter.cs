using System.Collections;
using System.Management.Automation.Language;
using ClawdTalk.Config;

namespace ClawdTalk.Completers
{
    /// <summary>Completes configuration key names (`api_key`, `gateway_url`, …).</summary>
    public sealed class ConfigKeyCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ConfigKeys.ByParameter.Values.Where(k => k.StartsWith(wordToComplete ?? "", System.StringComparison.OrdinalIgnoreCase))
                .Select(k => new CompletionResult(k, k, CompletionResultType.ParameterValue, k));
    }
}
