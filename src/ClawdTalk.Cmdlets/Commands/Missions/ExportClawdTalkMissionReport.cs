using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Completers;
using ClawdTalk.IO;
using ClawdTalk.Missions;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// Writes a self-contained HTML report of a mission (summary and result, outcome chart, one row per target, the
    /// timeline) from the service and the store. The page has no script and loads nothing: it opens offline anywhere.
    /// </summary>
    [Cmdlet(VerbsData.Export, "ClawdTalkMissionReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportClawdTalkMissionReportCommand : SlugScopedCmdlet
    {
        /// <summary>The HTML file to write (replaced when it exists).</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Do not read conversation insights (one request per answered call).</summary>
        [Parameter]
        public SwitchParameter NoInsight { get; set; }

        protected override void Process()
        {
            var file = GetUnresolvedProviderPathFromPSPath(Path);
            var dir = System.IO.Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                throw new ClawdTalkException("ReportFolderNotFound", ErrorCategory.ObjectNotFound, $"The folder '{dir}' does not exist.", Path);
            var t = FromSlug(Slug);
            var entry = Store.Find(Slug);
            var data = new MissionReportData { Slug = t.Slug, MissionId = t.MissionId, RunId = t.RunId };
            var mission = Run(ct => Missions.GetMissionAsync(t.MissionId, ct));
            data.MissionName = Json.Str(mission, "name") ?? (entry == null ? null : Json.Str(entry, StateKeys.MissionName));
            data.Instructions = Json.Str(mission, "instructions");
            var run = Run(ct => Missions.GetRunAsync(t.MissionId, t.RunId, ct));
            data.RunStatus = Json.Str(run, "status");
            data.ResultSummary = Json.Str(run, "result_summary");
            data.StartedAt = Json.Date(run, "created_at");
            data.EndedAt = Json.Date(run, "updated_at");
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
            if (!ShouldProcess(file, $"Write the report of mission '{Slug}' ({data.Targets.Count} targets, {data.Timeline.Count} events)")) return;
            AtomicFile.WriteAllText(file, html);
            WriteObject(new FileInfo(file));
        }

        /// <summary>The summary of a conversation's insights; a pending one is read once more, then reported as pending.</summary>
        string? Insight(string conversationId)
        {
            for (var read = 1; read <= 2; read++)
            {
                JToken? token;
                try { token = Run(ct => Missions.InsightsAsync(conversationId, ct)); }
                catch (ClawdTalkException ex)
                {
                    WriteVerbose($"The insights of {conversationId} could not be read: {ex.Message}");
                    return null;
                }
                var done = Json.UnwrapList(token, "insights", "conversations")
                    .FirstOrDefault(i => string.Equals(Json.Str(i, "status"), "completed", StringComparison.OrdinalIgnoreCase));
                if (done != null) return ConversationInsight.From(done, conversationId).Summary;
            }
            return "(insights pending)";
        }
    }
}
