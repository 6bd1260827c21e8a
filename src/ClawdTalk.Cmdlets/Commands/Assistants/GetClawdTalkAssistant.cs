namespace ClawdTalk.Commands.Assistants
{
    /// <summary>
    /// Assistants: by id, or all of them, filtered by -Name with wildcards. Every page of `GET /assistants` is read for the
    /// user (the service's `name` filter narrows what is fetched); -First/-Skip/-IncludeTotalCount page the output.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkAssistant", DefaultParameterSetName = ByName, SupportsPaging = true)]
    [OutputType(typeof(Assistant))]
    public sealed class GetClawdTalkAssistantCommand : ClawdTalkCmdlet
    {
        internal const string ByName = "ByName", ById = "ById";
        internal const int PageSize = 100;

        [Parameter(Position = 0, ParameterSetName = ByName)]
        [ArgumentCompleter(typeof(AssistantNameCompleter))]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(AssistantIdCompleter))]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string[] AssistantId { get; set; } = Array.Empty<string>();

        [Parameter]
        public SwitchParameter IncludeConnectionId { get; set; }

        ulong _skipped, _written;

        protected override void Process()
        {
            var api = Assistants;
            var cache = Session.Feature(() => new AssistantCache());
            if (ParameterSetName == ById)
            {
                foreach (var id in AssistantId)
                {
                    try
                    {
                        var a = Run(ct => api.GetAsync(id, ct));
                        cache.Seen(a);
                        Emit(a, api);
                    }
                    catch (ClawdTalkException ex) { WriteError(ex); }
                }
                return;
            }

            var patterns = (Name ?? Array.Empty<string>()).Select(n => new WildcardPattern(n.Trim(), WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToList();
            var literal = Name == null ? new string[0] : Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToArray();
            // one listing when every name shares a literal part the service can filter by; else all assistants
            string? filter = null;
            if (Name != null && Name.Length == 1) filter = LongestLiteral(Name[0]);
            var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var all = new List<Assistant>();
            var wanted = PagingParameters.First == ulong.MaxValue ? ulong.MaxValue : PagingParameters.Skip + PagingParameters.First;
            var matched = 0UL;
            int? total = null;
            for (var page = 1; page <= 10_000; page++)
            {
                var (items, totalPages, count) = Run(ct => api.ListPageAsync(page, PageSize, filter, ct));
                total ??= count;
                foreach (var a in items)
                {
                    all.Add(a);
                    if (patterns.Count > 0 && !patterns.Any(p => p.IsMatch(a.Name ?? ""))) continue;
                    if (a.Name != null) found.Add(a.Name);
                    matched++;
                    if (PagingParameters.Skip > _skipped) { _skipped++; continue; }
                    if (_written >= PagingParameters.First) continue;
                    _written++;
                    Emit(a, api);
                }
                if (items.Count == 0 || (totalPages.HasValue ? page >= totalPages.Value : items.Count < PageSize)) break;
                if (matched >= wanted && !PagingParameters.IncludeTotalCount) break;
            }
            cache.Seen(all, complete: Name == null);
            if (PagingParameters.IncludeTotalCount)
                WriteObject(PagingParameters.NewTotalCount(matched, 1.0));
            foreach (var n in literal.Where(n => !found.Contains(n.Trim())))
                WriteError(new ClawdTalkException(ErrorIds.AssistantNotFound, ErrorCategory.ObjectNotFound, $"No assistant is named '{n}'.", n)
                { RecommendedAction = "List the names with Get-ClawdTalkAssistant, or use a wildcard ('*caller*')." });
        }

        void Emit(Assistant a, AssistantsApi api)
        {
            if (IncludeConnectionId)
            {
                if (a.EnabledFeatures.Length == 0 || a.EnabledFeatures.Contains("telephony")) a.TelephonyConnectionId = Run(ct => api.ConnectionIdAsync(a.AssistantId, "telephony", ct));
                if (a.EnabledFeatures.Length == 0 || a.EnabledFeatures.Contains("messaging")) a.MessagingConnectionId = Run(ct => api.ConnectionIdAsync(a.AssistantId, "messaging", ct));
            }
            WriteObject(a);
        }

        /// <summary>The longest run of characters without a wildcard, for the service's substring filter ("" when none).</summary>
        internal static string? LongestLiteral(string pattern)
        {
            var best = "";
            foreach (var part in pattern.Split('*', '?', '[', ']'))
                if (part.Length > best.Length) best = part;
            best = best.Trim();
            return best.Length == 0 ? null : best;
        }
    }
}
