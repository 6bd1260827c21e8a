using System.Text;
using ClawdTalk.Boundary;
using ClawdTalk.Config;
using ClawdTalk.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.State
{
    /// <summary>Keys of a slug's entry: the published ones, then ours (which the published client ignores).</summary>
    internal static class StateKeys
    {
        // published (.missions_state.json of the Python client 2.0.6)
        public const string MissionName = "mission_name", MissionId = "mission_id", RunId = "run_id", CreatedAt = "created_at",
            AssistantId = "assistant_id", AgentPhone = "agent_phone", PhoneNumberId = "phone_number_id", Memory = "memory",
            LastUpdated = "last_updated";
        // this module's additions
        public const string Status = "status", RunStatus = "run_status", Steps = "steps", CompletedAt = "completed_at",
            ResultSummary = "result_summary", PreviousRuns = "previous_runs", Pending = "pending", InitLogged = "init_logged",
            Completion = "completion";
    }

    /// <summary>
    /// The slug store: the published `.missions_state.json` format (an object keyed by slug), shared with the Python
    /// client. Every change re-reads the file under the cross-process lock, applies itself and writes the whole file
    /// back atomically, so concurrent writers never lose each other's data and a crash leaves the old or new file.
    /// Keys this module does not know are kept as they were.
    /// </summary>
    internal sealed class MissionStateStore
    {
        static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
        /// <summary>The largest state file read (10,000 scheduled events take a few MiB).</summary>
        public const long MaxFileBytes = 64L * 1024 * 1024;

        public MissionStateStore(string path) { Path = System.IO.Path.GetFullPath(path); }

        /// <summary>The store of the session: CLAWDTALK_STATE, else the file under the user's profile.</summary>
        public static MissionStateStore Default => new MissionStateStore(ModulePaths.StateFile);

        public string Path { get; }

        public static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

        /// <summary>The whole file; empty when it does not exist. An invalid file is reported, never overwritten.</summary>
        public JObject ReadAll() => ReadFile(Path, "StateFileInvalid");

        internal static JObject ReadFile(string path, string invalidId) => Parse(path, ReadText(path), invalidId);

        /// <summary>The file's text; null when it does not exist.</summary>
        static string? ReadText(string path)
        {
            try { return Links.ReadText(path, MaxFileBytes, "The mission state file"); }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new ClawdTalkException(ErrorIds.StateFileUnreadable, ErrorCategory.ReadError, $"The mission state file {path} cannot be read: {ex.Message}", path, ex);
            }
        }

        static JObject Parse(string path, string? text, string invalidId)
        {
            if (text == null || string.IsNullOrWhiteSpace(text)) return new JObject();
            JToken token;
            try { token = Json.Parse(text); }
            catch (JsonException ex)
            {
                throw new ClawdTalkException(invalidId, ErrorCategory.ParserError,
                    $"The mission state file {path} is not valid JSON ({ex.Message}). It was left as it is; fix or move it.", path, ex);
            }
            if (!(token is JObject o))
                throw new ClawdTalkException(invalidId, ErrorCategory.ParserError, $"The mission state file {path} must hold a JSON object keyed by slug.", path);
            return o;
        }

        /// <summary>The entry of <paramref name="slug"/>, null when there is none; StateEntryInvalid when it cannot be used (<see cref="Problem"/>).</summary>
        public JObject? Find(string slug)
        {
            if (!(ReadAll()[slug] is JObject e)) return null;
            var problem = Problem(slug, e);
            if (problem != null)
                throw new ClawdTalkException(ErrorIds.StateEntryInvalid, ErrorCategory.InvalidData, $"{problem} in {Path}; nothing was done with it. Fix or remove the entry.", slug);
            return e;
        }

        /// <summary>The entry of <paramref name="slug"/>, or a MissionStateNotFound error.</summary>
        public JObject Require(string slug) => Find(slug) ?? throw NotFound(slug, Path);

        public static ClawdTalkException NotFound(string slug, string path) =>
            new ClawdTalkException(ErrorIds.MissionStateNotFound, ErrorCategory.ObjectNotFound,
                $"No mission with the slug '{slug}' in {path}. Initialize-ClawdTalkMission creates one; Get-ClawdTalkMissionState lists them.", slug)
            { RecommendedAction = "Check the slug with Get-ClawdTalkMissionState, or Import-ClawdTalkMissionState a .missions_state.json file." };

        /// <summary>The slug whose entry holds this mission (and run, when given), or null.</summary>
        public string? SlugOf(string missionId, string? runId)
        {
            foreach (var p in Entries())
                if (Json.Str(p.Value, StateKeys.MissionId) == missionId && (runId == null || Json.Str(p.Value, StateKeys.RunId) == runId)) return p.Key;
            return null;
        }

        /// <summary>
        /// Changes one slug's entry under the lock: <paramref name="change"/> gets the current entry (null when absent)
        /// and returns the new one (null removes it). `last_updated` is set on every write. Returns the entry written.
        /// </summary>
        public JObject? Update(string slug, Func<JObject?, JObject?> change)
        {
            JObject? result = null;
            Mutate(root =>
            {
                var current = root[slug] as JObject;
                var next = change(current);
                if (next == null) { if (root[slug] != null) root.Remove(slug); result = null; return; }
                next[StateKeys.LastUpdated] = Now();
                root[slug] = next;
                result = next;
            });
            return result;
        }

        /// <summary>Changes the entry of an existing slug (MissionStateNotFound otherwise).</summary>
        public JObject UpdateExisting(string slug, Action<JObject> change) =>
            Update(slug, e =>
            {
                if (e == null) throw NotFound(slug, Path);
                change(e);
                return e;
            })!;

        /// <summary>Read-modify-write of the whole file under the cross-process lock.</summary>
        public void Mutate(Action<JObject> change) => Write(change, reuse: false);

        /// <summary>
        /// <see cref="Mutate"/> for a writer that commits many changes in a row (the scheduled-event ledger): the tree it wrote is
        /// kept and reused while the file still holds exactly the text written (no other writer since), because parsing a
        /// file of hundreds of records again is most of a write's cost. <paramref name="change"/> must not keep references
        /// into the tree after it returns (copy what it hands out).
        /// </summary>
        public void MutateReusing(Action<JObject> change) => Write(change, reuse: true);

        readonly object _writeGate = new object();
        string? _written;
        JObject? _tree;

        void Write(Action<JObject> change, bool reuse)
        {
            lock (_writeGate)
            using (FileLock.Acquire(Path, LockTimeout))
            {
                var text = ReadText(Path);
                var root = reuse && _tree != null && text != null && string.Equals(text, _written, StringComparison.Ordinal)
                    ? _tree
                    : Parse(Path, text, "StateFileInvalid");
                _tree = null; _written = null; // a change or write that fails leaves nothing reusable
                change(root);
                var next = root.ToString(Formatting.Indented) + "\n";
                AtomicFile.WriteAllText(Path, next);
                if (reuse) { _tree = root; _written = next; }
            }
        }

        // ---- memory ----

        public static JObject MemoryOf(JObject entry)
        {
            if (entry[StateKeys.Memory] is JObject m) return m;
            var fresh = new JObject();
            entry[StateKeys.Memory] = fresh;
            return fresh;
        }

        /// <summary>The published append: a missing key becomes a list of one, a list grows, a single value becomes a list.</summary>
        public static void Append(JObject memory, string key, JToken value)
        {
            switch (memory[key])
            {
                case null: memory[key] = new JArray(value); break;
                case JArray a: a.Add(value); break;
                case JToken t when t.Type == JTokenType.Null: memory[key] = new JArray(value); break;
                case JToken old: memory[key] = new JArray(old, value); break;
            }
        }

        // ---- model ----

        public MissionState ToModel(string slug, JObject e)
        {
            var status = (Json.Str(e, StateKeys.Status) ?? "active").ToLowerInvariant() switch
            {
                "succeeded" => MissionStateStatus.Succeeded,
                "failed" => MissionStateStatus.Failed,
                "cancelled" => MissionStateStatus.Cancelled,
                _ => MissionStateStatus.Active,
            };
            var runStatus = Json.Str(e, StateKeys.RunStatus);
            return new MissionState
            {
                Slug = slug,
                MissionName = Json.Str(e, StateKeys.MissionName),
                MissionId = Json.Str(e, StateKeys.MissionId),
                RunId = Json.Str(e, StateKeys.RunId),
                Status = status,
                RunStatus = runStatus == null ? (RunStatus?)null : Wire.Run(runStatus),
                AssistantId = Json.Str(e, StateKeys.AssistantId),
                AgentPhone = Json.Str(e, StateKeys.AgentPhone),
                PhoneNumberId = Json.Str(e, StateKeys.PhoneNumberId),
                StepIds = StepsOf(e).Select(s => Json.Str(s, "step_id") ?? "").Where(s => s.Length > 0).ToArray(),
                Memory = Json.ToPowerShell(e[StateKeys.Memory] as JObject ?? new JObject()),
                ResultSummary = Json.Str(e, StateKeys.ResultSummary),
                CreatedAt = Json.Date(e, StateKeys.CreatedAt),
                LastUpdated = Json.Date(e, StateKeys.LastUpdated),
                CompletedAt = Json.Date(e, StateKeys.CompletedAt),
                PreviousRuns = (e[StateKeys.PreviousRuns] as JArray)?.Select(Json.ToPowerShell).ToArray() ?? Array.Empty<object?>(),
                Path = Path,
                Raw = Json.ToPowerShell(e),
            };
        }

        public static IReadOnlyList<JObject> StepsOf(JObject e) =>
            e[StateKeys.Steps] is JArray a ? a.OfType<JObject>().ToList() : (IReadOnlyList<JObject>)Array.Empty<JObject>();

        /// <summary>
        /// Every slug of the file whose value is a usable entry. Values that are not entries, and entries another program
        /// wrote under a key that is not a slug or with ids that are not ids (<see cref="Problem"/>), are kept in the file
        /// as they are but never listed, so no command acts on them: <see cref="Unusable"/> names them.
        /// </summary>
        public IEnumerable<KeyValuePair<string, JObject>> Entries() =>
            ReadAll().Properties().Where(p => p.Value is JObject o && Problem(p.Name, o) == null).Select(p => new KeyValuePair<string, JObject>(p.Name, (JObject)p.Value));

        /// <summary>
        /// The entries each of <paramref name="patterns"/> names (-Slug of the listing cmdlets: wildcards allowed; every
        /// entry when none is given), pattern by pattern; an empty list for a slug without wildcards means it is not in the store.
        /// </summary>
        public IEnumerable<(string pattern, bool wildcard, List<KeyValuePair<string, JObject>> entries)> Matching(string[]? patterns)
        {
            var entries = Entries().ToList();
            foreach (var p in patterns ?? new[] { "*" })
            {
                var wildcard = System.Management.Automation.WildcardPattern.ContainsWildcardCharacters(p);
                var pattern = new System.Management.Automation.WildcardPattern(p, System.Management.Automation.WildcardOptions.IgnoreCase);
                yield return (p, wildcard, entries.Where(x => wildcard ? pattern.IsMatch(x.Key) : x.Key == p).ToList());
            }
        }

        /// <summary>What is wrong with each entry of the file that <see cref="Entries"/> leaves out (the key made visible, and why).</summary>
        public IReadOnlyList<string> Unusable() =>
            ReadAll().Properties().Where(p => p.Value is JObject o && Problem(p.Name, o) != null).Select(p => Problem(p.Name, (JObject)p.Value)!).ToList();

        /// <summary>
        /// Why an entry read from a file (ours, the published client's, an import) cannot be used, or null: its key must be
        /// a slug and its ids must be ids, because they reach crontab lines, file names, request paths and the screen.
        /// </summary>
        public static string? Problem(string slug, JObject entry)
        {
            if (!Slugs.IsValid(slug))
                return $"The entry '{Short(slug)}' has a key that is not a mission slug (lowercase letters, digits and single hyphens, at most {Slugs.MaxLength} characters)";
            foreach (var key in new[] { StateKeys.MissionId, StateKeys.RunId, StateKeys.AssistantId, StateKeys.PhoneNumberId })
            {
                var v = entry[key];
                if (v == null || v.Type == JTokenType.Null) continue;
                if (v.Type != JTokenType.String || !Ids.IsValid((string?)v))
                    return $"The entry '{slug}' has a {key} that is not an id ('{Short(v.ToString(Formatting.None))}')";
            }
            return null;
        }

        static string Short(string s)
        {
            var v = OutsideText.Visible(s);
            return v.Length > 60 ? v.Substring(0, 60) + "…" : v;
        }
    }
}
