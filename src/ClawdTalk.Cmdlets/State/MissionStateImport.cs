using ClawdTalk.Boundary;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.State
{
    /// <summary>What bringing one slug of another state file into the store would do.</summary>
    internal enum ImportVerdict
    {
        /// <summary>Not in the store yet: it is copied in.</summary>
        Import,
        /// <summary>Already in the store with the same mission and run: kept as it is.</summary>
        Same,
        /// <summary>The store has this slug for another mission or run: kept, unless the caller forces the import.</summary>
        Conflict,
        /// <summary>Not a mission entry (not a JSON object): skipped.</summary>
        NotAnEntry,
        /// <summary>A key that is not a slug, or ids that are not ids (Boundary's rules): never imported.</summary>
        Invalid,
    }

    internal sealed class ImportItem
    {
        public ImportItem(string slug, JObject? entry, ImportVerdict verdict, string? problem, JObject? existing)
        {
            Slug = slug; Entry = entry; Verdict = verdict; Problem = problem; Existing = existing;
        }

        public string Slug { get; }
        public JObject? Entry { get; }
        public ImportVerdict Verdict { get; }
        public string? Problem { get; }
        /// <summary>The store's entry of the same slug, when there is one.</summary>
        public JObject? Existing { get; }
    }

    /// <summary>
    /// The one rule for bringing the slugs of another state file (the published client's `.missions_state.json`) into the
    /// store, used by Import-ClawdTalkMissionState and by Install-ClawdTalkSkill -From: each entry is checked by the
    /// store's own rules (<see cref="MissionStateStore.Problem"/>: slug alphabet, ids), one the store already has for the
    /// same mission and run is left as it is, one it has for another run is a conflict, and an import writes the entry
    /// as it was (every key kept) under the store's lock.
    /// </summary>
    internal static class MissionStateImport
    {
        /// <summary>The other file's entries (StateFileNotFound, or the store's errors for a file that is not a state file).</summary>
        public static JObject Read(string source)
        {
            if (!File.Exists(source))
                throw new ClawdTalkException(ErrorIds.StateFileNotFound, ErrorCategory.ObjectNotFound, $"The state file {source} does not exist.", source);
            return MissionStateStore.ReadFile(source, ErrorIds.StateFileInvalid);
        }

        /// <summary>What importing each entry of <paramref name="incoming"/> that <paramref name="include"/> selects would do.</summary>
        public static IEnumerable<ImportItem> Plan(JObject incoming, MissionStateStore store, Func<string, bool> include)
        {
            foreach (var p in incoming.Properties())
            {
                if (!include(p.Name)) continue;
                if (!(p.Value is JObject entry)) { yield return new ImportItem(p.Name, null, ImportVerdict.NotAnEntry, null, null); continue; }
                var problem = MissionStateStore.Problem(p.Name, entry);
                if (problem != null) { yield return new ImportItem(p.Name, entry, ImportVerdict.Invalid, problem, null); continue; }
                var existing = store.Find(p.Name);
                if (existing == null) { yield return new ImportItem(p.Name, entry, ImportVerdict.Import, null, null); continue; }
                var same = Json.Str(existing, StateKeys.MissionId) == Json.Str(entry, StateKeys.MissionId) && Json.Str(existing, StateKeys.RunId) == Json.Str(entry, StateKeys.RunId);
                yield return new ImportItem(p.Name, entry, same ? ImportVerdict.Same : ImportVerdict.Conflict, null, existing);
            }
        }

        /// <summary>Writes the entry into the store as it was in the other file.</summary>
        public static JObject Apply(MissionStateStore store, ImportItem item) => store.Update(item.Slug, _ => (JObject)item.Entry!.DeepClone())!;

        /// <summary>Says what an import does not take (not an entry: a warning; an invalid one: an error); true when it was such an entry.</summary>
        public static bool Refused(ImportItem item, string source, Action<string> warn, Action<ClawdTalkException> error)
        {
            if (item.Verdict == ImportVerdict.NotAnEntry) warn($"'{item.Slug}' in {source} is not a mission entry; skipped.");
            else if (item.Verdict == ImportVerdict.Invalid) error(Invalid(item, source));
            else return false;
            return true;
        }

        public static ClawdTalkException Invalid(ImportItem item, string source) =>
            new ClawdTalkException(ErrorIds.StateEntryInvalid, ErrorCategory.InvalidData, $"{item.Problem} in {source}; it was not imported.", OutsideText.Visible(item.Slug));

        public static ClawdTalkException Conflict(ImportItem item, MissionStateStore store, string remedy) =>
            new ClawdTalkException(ErrorIds.MissionStateConflict, ErrorCategory.ResourceExists,
                $"The store {store.Path} already has '{item.Slug}' for another mission or run ({Json.Str(item.Existing, StateKeys.MissionId)}/{Json.Str(item.Existing, StateKeys.RunId)}); {remedy}", item.Slug);
    }
}
