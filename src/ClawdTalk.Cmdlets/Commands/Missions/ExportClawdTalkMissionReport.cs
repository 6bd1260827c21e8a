using ClawdTalk.IO;
using ClawdTalk.ScheduledEvents;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// Writes a self-contained HTML report of a mission run (summary and result, outcome chart, one row per target, the
    /// timeline) from the service and the store. The page has no script and loads nothing: it opens offline anywhere.
    /// Any run can be reported: the slug's current one, an earlier one (-RunId), or a mission's by id. An existing file is
    /// replaced as Out-File replaces one (-NoClobber keeps it, -Force replaces a read-only one), through ShouldProcess.
    /// </summary>
    [Cmdlet(VerbsData.Export, "ClawdTalkMissionReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByRun)]
    [OutputType(typeof(MissionReportFile))]
    public sealed class ExportClawdTalkMissionReportCommand : MissionCmdlet
    {
        const string ByRun = "ByRun";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        [ValidateNotNullOrEmpty]
        public string Slug { get; set; } = "";

        /// <summary>A mission by id (the service's), for a mission this machine's store does not hold.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string MissionId { get; set; } = "";

        /// <summary>The run to report: with -Slug or -MissionId, one of its runs (the current or latest one without it); alone, a run the store knows.</summary>
        [Parameter(ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = ByRun, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string? RunId { get; set; }

        /// <summary>The HTML file to write.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Do not replace an existing file (as Out-File -NoClobber).</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Replace a read-only file too, and without the confirmation -Confirm would ask for (as Out-File -Force).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Do not read conversation insights (one request per answered call).</summary>
        [Parameter]
        public SwitchParameter NoInsight { get; set; }

        protected override void Process()
        {
            var file = GetUnresolvedProviderPathFromPSPath(Path);
            var dir = System.IO.Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                throw new ClawdTalkException(ErrorIds.ReportFolderNotFound, ErrorCategory.ObjectNotFound, $"The folder '{dir}' does not exist.", Path)
                { RecommendedAction = "Create it first (New-Item -ItemType Directory), or give a -Path in an existing folder." };
            if (Directory.Exists(file))
                throw new ClawdTalkException(ErrorIds.ReportPathIsFolder, ErrorCategory.InvalidArgument, $"'{file}' is a folder: -Path names the report's file.", Path)
                { RecommendedAction = $"Give a file name in it, e.g. -Path '{System.IO.Path.Combine(file, "report.html")}'." };
            var exists = File.Exists(file);
            if (exists && NoClobber)
                throw new ClawdTalkException(ErrorIds.NoClobber, ErrorCategory.ResourceExists, $"The file '{file}' already exists, and -NoClobber keeps it.", file)
                { RecommendedAction = "Give another -Path, or leave out -NoClobber to replace it." };
            if (exists && !Force && (File.GetAttributes(file) & FileAttributes.ReadOnly) != 0)
                throw new ClawdTalkException(ErrorIds.FileReadOnly, ErrorCategory.PermissionDenied, $"The file '{file}' is read-only; it was not replaced.", file)
                { RecommendedAction = "Add -Force to replace it anyway, or give another -Path." };

            var t = Which();
            var entry = t.Slug == null ? null : Store.Find(t.Slug);
            var data = new MissionReportData { Slug = t.Slug, MissionId = t.MissionId, RunId = t.RunId };
            var mission = Run(ct => Missions.ReadMissionAsync(t.MissionId, ct));
            data.MissionName = mission.Name ?? (entry == null ? null : Json.Str(entry, StateKeys.MissionName));
            data.Instructions = mission.Instructions;
            var run = Run(ct => Missions.GetRunAsync(t.MissionId, t.RunId, ct));
            data.RunStatus = Json.Str(run, "status");
            data.ResultSummary = Json.Str(run, "result_summary");
            data.StartedAt = Json.Date(run, "created_at");
            data.EndedAt = Json.Date(run, "updated_at");
            data.GeneratedAt = Api.Connection.Clock.GetUtcNow(); // on the service's clock, like every other time of the report
            data.Steps = (Run(ct => Missions.TryGetPlanAsync(t.MissionId, t.RunId, ct))?["steps"] as JArray)?.OfType<JObject>()
                .OrderBy(s => Json.Int(s, "sequence") ?? 0).ToList() ?? new List<JObject>();
            data.Timeline = Run(ct => Missions.ListEventsAsync(t.MissionId, t.RunId, ct));
            data.Agents = Run(ct => Missions.ListAgentsAsync(t.MissionId, t.RunId, ct));
            var events = ScheduledEventsOfRun(t, entry, data.Agents);
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in EventRecords.Read(entry))
                if (Json.Str(r, "event_id") is string id && Json.Str(r, "name") is string n) names[id] = n;
            data.Targets = MissionReportData.TargetsOf(events, names, NoInsight ? (Func<string, string?>)(_ => null) : Insight);
            var html = MissionReportHtml.Render(data);

            var what = $"the report of run {t.RunId} of mission '{t.Slug ?? data.MissionName ?? t.MissionId}' ({data.Targets.Count} targets, {data.Timeline.Count} events)";
            if (exists ? !Confirmed(Force, file, "Replace the existing file with " + what) : !ShouldProcess(file, "Write " + what)) return;
            if (exists && Force) File.SetAttributes(file, File.GetAttributes(file) & ~FileAttributes.ReadOnly);
            AtomicFile.WriteAllText(file, html);
            WriteObject(new MissionReportFile
            {
                Path = file, Slug = t.Slug, MissionId = t.MissionId, MissionName = data.MissionName, RunId = t.RunId,
                Status = Wire.Run(data.RunStatus), Targets = data.Targets.Count,
                Reached = data.Targets.Count(x => x.Group == OutcomeGroup.Reached), NotReached = data.Targets.Count(x => x.Group == OutcomeGroup.NotReached),
                Events = data.Timeline.Count, Replaced = exists, Length = new FileInfo(file).Length, GeneratedAt = data.GeneratedAt,
            });
        }

        /// <summary>The run the parameters name: the slug's (current, or an earlier one by -RunId), a mission's (latest, or -RunId), or a run the store knows.</summary>
        MissionTarget Which()
        {
            switch (ParameterSetName)
            {
                case ById:
                    if (!string.IsNullOrEmpty(RunId)) return FromIds(MissionId, RunId!);
                    var runs = Run(ct => Missions.ListRunsAsync(MissionId, ct));
                    var latest = runs.OrderByDescending(r => Json.Date(r, "created_at") ?? DateTimeOffset.MinValue).FirstOrDefault()
                        ?? throw new ClawdTalkException(ErrorIds.RunNotFound, ErrorCategory.ObjectNotFound, $"The mission {MissionId} has no run to report.", MissionId)
                        { RecommendedAction = "Start one with New-ClawdTalkRun or Initialize-ClawdTalkMission." };
                    return FromIds(MissionId, Json.Str(latest, "run_id", "id") ?? "");
                case ByRun:
                    foreach (var p in Store.Entries())
                        if (RunsOf(p.Value).FirstOrDefault(r => r.RunId == RunId) is var known && known.RunId != null && known.MissionId != null)
                            return new MissionTarget { Slug = p.Key, MissionId = known.MissionId, RunId = known.RunId };
                    throw new ClawdTalkException(ErrorIds.RunNotKnown, ErrorCategory.ObjectNotFound, $"No mission of the state store has a run {RunId}.", RunId)
                    { RecommendedAction = "Give its mission too: -MissionId <id> -RunId <id> (Get-ClawdTalkRun -MissionId lists a mission's runs)." };
                default:
                    if (string.IsNullOrEmpty(RunId)) return FromSlug(Slug);
                    var entry = Store.Require(Slug);
                    var run = RunsOf(entry).FirstOrDefault(r => r.RunId == RunId);
                    var mid = run.MissionId ?? Json.Str(entry, StateKeys.MissionId)
                        ?? throw new ClawdTalkException(ErrorIds.MissionNotInitialized, ErrorCategory.InvalidOperation, $"The mission '{Slug}' has no mission id yet.", Slug);
                    return new MissionTarget { Slug = Slug, MissionId = mid, RunId = RunId! };
            }
        }

        /// <summary>The runs a slug's entry knows: its current one and the earlier ones (previous_runs).</summary>
        static IEnumerable<(string? MissionId, string? RunId)> RunsOf(JObject entry)
        {
            if (Json.Str(entry, StateKeys.RunId) is string current) yield return (Json.Str(entry, StateKeys.MissionId), current);
            if (entry[StateKeys.PreviousRuns] is JArray history)
                foreach (var h in history.OfType<JObject>())
                    if (Json.Str(h, "run_id") is string rid) yield return (Json.Str(h, "mission_id") ?? Json.Str(entry, StateKeys.MissionId), rid);
        }

        /// <summary>The summary of a conversation's insights; a pending one is read once more, then reported as pending.</summary>
        string? Insight(string conversationId)
        {
            for (var read = 1; read <= 2; read++)
            {
                IReadOnlyList<ConversationInsight> insights;
                try { insights = Run(ct => Missions.ReadInsightsAsync(conversationId, ct)); }
                catch (ClawdTalkException ex)
                {
                    WriteVerbose($"The insights of {conversationId} could not be read: {ex.Message}");
                    return null;
                }
                var done = insights.FirstOrDefault(i => string.Equals(i.Status, "completed", StringComparison.OrdinalIgnoreCase));
                if (done != null) return done.Summary;
            }
            return "(insights pending)";
        }
    }
}
