using System.Collections;
using System.Management.Automation.Language;

namespace ClawdTalk.Completers
{
    /// <summary>Completes gateway tool names for Grant-ClawdTalkGatewayTool (sessions_send first: the one the bridge needs).</summary>
    public sealed class GatewayToolCompleter : IArgumentCompleter
    {
        static readonly string[] Tools = { "sessions_send", "sessions_list", "sessions_history", "sessions_spawn", "session_status" };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Tools.Where(t => t.StartsWith(wordToComplete ?? "", System.StringComparison.OrdinalIgnoreCase))
                .Select(t => new CompletionResult(t, t, CompletionResultType.ParameterValue, t));
    }
}
