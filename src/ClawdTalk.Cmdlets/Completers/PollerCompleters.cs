using System.Collections;
using System.Management.Automation.Language;

namespace ClawdTalk.Completers
{
    /// <summary>Completes the slugs of registered pollers.</summary>
    public sealed class PollerSlugCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<Pollers.PollerEntry> entries;
            try
            {
                var s = Pollers.PollerSchedulers.ForPlatform();
                entries = s.Available ? s.List() : new List<Pollers.PollerEntry>();
            }
            catch (System.Exception) { entries = new List<Pollers.PollerEntry>(); }
            return entries.Where(e => e.Slug.StartsWith(wordToComplete ?? "", System.StringComparison.OrdinalIgnoreCase))
                .Select(e => new CompletionResult(e.Slug, e.Slug, CompletionResultType.ParameterValue, e.Backend + " " + e.Schedule));
        }
    }
}
