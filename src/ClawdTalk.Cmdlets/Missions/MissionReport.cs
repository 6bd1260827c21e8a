using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>One target of a mission as the report shows it: every attempt to one number, summed up.</summary>
    internal sealed class ReportTarget
    {
        public string? Name;
        public string To = "";
        public string Channel = "call";
        public int Attempts;
        public string Outcome = "";
        /// <summary>Reached, not reached, cancelled or open: the one grouping (<see cref="ScheduledEvents.Outcomes"/>).</summary>
        public OutcomeGroup Group;
        public int? DurationSeconds;
        public string? Insight;
    }

    /// <summary>What a mission report holds, read from the service and the store.</summary>
    internal sealed class MissionReportData
    {
        public string? Slug;
        public string MissionId = "", RunId = "";
        public string? MissionName, Instructions, RunStatus, ResultSummary;
        public DateTimeOffset? StartedAt, EndedAt;
        public List<JObject> Steps = new List<JObject>();
        public IReadOnlyList<JObject> Timeline = Array.Empty<JObject>();
        public IReadOnlyList<JObject> Agents = Array.Empty<JObject>();
        public List<ReportTarget> Targets = new List<ReportTarget>();
        public DateTimeOffset GeneratedAt = DateTimeOffset.UtcNow;

        /// <summary>Targets per final outcome, most frequent first.</summary>
        public List<KeyValuePair<string, int>> Breakdown() =>
            Targets.GroupBy(t => t.Outcome).Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
                .OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).ToList();

        /// <summary>
        /// The targets of the run's scheduled events: one per number and channel, its latest attempt deciding the outcome.
        /// <paramref name="names"/> maps event ids to the names the store's records carry; <paramref name="insight"/> reads a
        /// conversation's summary (null when none).
        /// </summary>
        public static List<ReportTarget> TargetsOf(IEnumerable<JObject> events, IReadOnlyDictionary<string, string> names, Func<string, string?> insight)
        {
            var list = new List<ReportTarget>();
            foreach (var g in events.GroupBy(e => (Json.Str(e, "channel") ?? "call") + "|" + Digits(Json.Str(e, "to"))))
            {
                var ordered = g.OrderBy(e => Json.Str(e, "created_at") ?? Json.Str(e, "scheduled_at") ?? "", StringComparer.Ordinal).ToList();
                var last = ordered[ordered.Count - 1];
                string? name = null;
                foreach (var e in ordered)
                    if (names.TryGetValue(Json.Str(e, "id", "event_id") ?? "", out var n)) name = n;
                var status = Json.Str(last, "status");
                var terminal = status == "completed" || status == "failed";
                var conv = ordered.Select(e => Json.Str(e, "conversation_id")).LastOrDefault(c => c != null);
                list.Add(new ReportTarget
                {
                    Name = name, To = Json.Str(last, "to") ?? "", Channel = Json.Str(last, "channel") ?? "call", Attempts = ordered.Count,
                    Outcome = terminal ? Json.Str(last, "outcome") ?? Json.Str(last, "call_status") ?? status! : status == "in_progress" ? "in progress" : "scheduled",
                    Group = ScheduledEvents.Outcomes.Group((Json.Str(last, "channel") ?? "call") != "sms", terminal,
                        Json.Str(last, "outcome") ?? Json.Str(last, "call_status"), status == "failed"),
                    DurationSeconds = ordered.Sum(e => Json.Int(e, "duration_seconds") ?? 0) is int d && d > 0 ? d : (int?)null,
                    Insight = conv == null ? null : insight(conv),
                });
            }
            return list.OrderBy(t => t.Name ?? "\uffff", StringComparer.OrdinalIgnoreCase).ThenBy(t => t.To, StringComparer.Ordinal).ToList();
        }

        static string Digits(string? s) => new string((s ?? "").Where(char.IsDigit).ToArray());
    }

    /// <summary>
    /// The mission report as one self-contained HTML page: inline CSS, an inline SVG chart, no script and nothing
    /// from the network, every value HTML-encoded.
    /// </summary>
    internal static class MissionReportHtml
    {
        static readonly Dictionary<string, string> Colors = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["answered"] = "#32d583", ["sent"] = "#32d583", ["completed"] = "#32d583", ["voicemail"] = "#fdb022",
            ["no-answer"] = "#f97066", ["busy"] = "#f04438", ["failed"] = "#b42318", ["canceled"] = "#98a2b3",
            ["scheduled"] = "#d0d5dd", ["in progress"] = "#53b1fd",
        };

        // every value is outside data: its control characters made visible, then HTML-encoded
        static string H(string? s) => WebUtility.HtmlEncode(Boundary.OutsideText.Visible(s ?? ""));
        static string Color(string outcome) => Colors.TryGetValue(outcome, out var c) ? c : "#667085";
        static string Time(DateTimeOffset? t) => t.HasValue ? t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "";
        static string Duration(int? s) => s == null ? "" : s < 60 ? $"{s} s" : $"{s / 60} min {s % 60:00} s";

        const string Css = @"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:26px 0 8px;text-transform:uppercase;letter-spacing:.04em;color:#475467}
.ids{color:#667085;font:12px ui-monospace,Menlo,monospace}.card{background:#fff;border:1px solid #e3e6ec;border-radius:8px;padding:14px 16px}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}.kv dt{color:#667085}.kv dd{margin:0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#eef0f4}
.s-succeeded,.s-completed,.s-answered,.s-sent{background:#dcfae6;color:#1a7f4b}.s-failed,.s-busy,.s-no-answer,.s-canceled,.s-cancelled{background:#fee4e2;color:#b42318}
.s-running,.s-in_progress{background:#dbe8fd;color:#1f5fbf}.s-voicemail,.s-skipped{background:#fef0c7;color:#b54708}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e3e6ec;vertical-align:top}
th{color:#667085;font-size:12px}#timeline td:first-child{white-space:nowrap}td.num{font-variant-numeric:tabular-nums;text-align:right}.muted{color:#667085}footer{margin-top:30px;color:#98a2b3;font-size:12px}
@media print{body{background:#fff}.card{border:none}}";

        public static string Render(MissionReportData d)
        {
            var sb = new StringBuilder(16 * 1024);
            var title = "Mission report: " + (d.MissionName ?? d.Slug ?? d.MissionId);
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
              .Append("<title>").Append(H(title)).Append("</title><style>").Append(Css).Append("</style></head><body><main>\n");
            sb.Append("<h1>").Append(H(d.MissionName ?? d.Slug ?? d.MissionId)).Append("</h1>");
            sb.Append("<div class=\"ids\">").Append(H(d.Slug == null ? "" : "slug " + d.Slug + " · ")).Append("mission ").Append(H(d.MissionId))
              .Append(" · run ").Append(H(d.RunId)).Append("</div>\n");

            // summary and result
            var attempts = d.Targets.Sum(t => t.Attempts);
            var talk = d.Targets.Sum(t => t.DurationSeconds ?? 0);
            sb.Append("<h2>Summary</h2><div class=\"card\" id=\"summary\"><dl class=\"kv\">");
            Kv(sb, "Result", $"<span class=\"badge s-{H(d.RunStatus)}\">{H(d.RunStatus ?? "unknown")}</span> {H(d.ResultSummary)}");
            if (!string.IsNullOrEmpty(d.Instructions)) Kv(sb, "Instructions", H(d.Instructions));
            Kv(sb, "Started", H(Time(d.StartedAt)));
            if (d.EndedAt.HasValue) Kv(sb, "Last change", H(Time(d.EndedAt)));
            Kv(sb, "Targets", $"{d.Targets.Count} ({H(ScheduledEvents.Outcomes.Counts(d.Targets.Select(t => t.Group)))}), {attempts} attempt(s), {H(Duration(talk))} talk time");
            Kv(sb, "Plan", string.Join(" · ", d.Steps.Select(s => $"{H(Json.Str(s, "description") ?? Json.Str(s, "step_id"))} <span class=\"badge s-{H(Json.Str(s, "status"))}\">{H(Json.Str(s, "status"))}</span>")));
            Kv(sb, "Agents", H(string.Join(", ", d.Agents.Select(a => Json.Str(a, "telnyx_agent_id", "agent_id") ?? "")) is string ag && ag.Length > 0 ? ag : "none linked"));
            sb.Append("</dl></div>\n");

            // outcome breakdown: an inline SVG bar chart
            sb.Append("<h2>Outcomes</h2><div class=\"card\">");
            var breakdown = d.Breakdown();
            if (breakdown.Count == 0) sb.Append("<p class=\"muted\">No calls or texts were scheduled.</p>");
            else Chart(sb, breakdown, d.Targets.Count);
            sb.Append("</div>\n");

            // one row per target
            sb.Append("<h2>Targets</h2><table id=\"targets\"><thead><tr><th>Name</th><th>Number</th><th>Channel</th><th>Attempts</th><th>Final outcome</th><th>Duration</th><th>Insight</th></tr></thead><tbody>\n");
            foreach (var t in d.Targets)
                sb.Append("<tr><td>").Append(H(t.Name)).Append("</td><td>").Append(H(t.To)).Append("</td><td>").Append(H(t.Channel))
                  .Append("</td><td class=\"num\">").Append(t.Attempts.ToString(CultureInfo.InvariantCulture))
                  .Append("</td><td><span class=\"badge s-").Append(H(t.Outcome.Replace(' ', '_'))).Append("\">").Append(H(t.Outcome)).Append("</span></td><td class=\"num\">")
                  .Append(H(Duration(t.DurationSeconds))).Append("</td><td>").Append(H(t.Insight)).Append("</td></tr>\n");
            if (d.Targets.Count == 0) sb.Append("<tr><td colspan=\"7\" class=\"muted\">none</td></tr>");
            sb.Append("</tbody></table>\n");

            // the timeline
            sb.Append("<h2>Timeline</h2><table id=\"timeline\"><thead><tr><th>Time</th><th>Type</th><th>Step</th><th>Summary</th></tr></thead><tbody>\n");
            foreach (var e in d.Timeline)
                sb.Append("<tr><td class=\"muted\">").Append(H(Time(Json.Date(e, "created_at")))).Append("</td><td>").Append(H(Json.Str(e, "type")))
                  .Append("</td><td>").Append(H(Json.Str(e, "step_id"))).Append("</td><td>").Append(H(Json.Str(e, "summary"))).Append("</td></tr>\n");
            sb.Append("</tbody></table>\n");
            sb.Append("<footer>Generated by Export-ClawdTalkMissionReport at ").Append(H(Time(d.GeneratedAt))).Append(". Self-contained: no script, nothing loaded from the network.</footer>\n");
            sb.Append("</main></body></html>\n");
            return sb.ToString();
        }

        static void Kv(StringBuilder sb, string key, string htmlValue) =>
            sb.Append("<dt>").Append(H(key)).Append("</dt><dd>").Append(htmlValue).Append("</dd>");

        static void Chart(StringBuilder sb, List<KeyValuePair<string, int>> breakdown, int total)
        {
            const int rowH = 28, labelW = 120, barW = 520, countW = 90;
            var height = breakdown.Count * rowH + 10;
            var max = breakdown.Max(b => b.Value);
            sb.Append(FormattableString.Invariant($"<svg id=\"outcome-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{labelW + barW + countW}\" height=\"{height}\" viewBox=\"0 0 {labelW + barW + countW} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"13\">"));
            sb.Append("<title>Outcome breakdown: ").Append(H(string.Join(", ", breakdown.Select(b => $"{b.Key} {b.Value}")))).Append("</title>");
            for (var i = 0; i < breakdown.Count; i++)
            {
                var (label, n) = (breakdown[i].Key, breakdown[i].Value);
                var y = 5 + i * rowH;
                var w = Math.Max(2, (int)Math.Round(barW * (double)n / max));
                var pct = total == 0 ? 0 : 100.0 * n / total;
                sb.Append("<g class=\"bar\" data-outcome=\"").Append(H(label)).Append("\">")
                  .Append(FormattableString.Invariant($"<text x=\"{labelW - 8}\" y=\"{y + 17}\" text-anchor=\"end\" fill=\"#344054\">")).Append(H(label)).Append("</text>")
                  .Append(FormattableString.Invariant($"<rect x=\"{labelW}\" y=\"{y + 3}\" width=\"{w}\" height=\"{rowH - 8}\" rx=\"3\" fill=\"{Color(label)}\"><title>"))
                  .Append(H($"{label}: {n}")).Append("</title></rect>")
                  .Append(FormattableString.Invariant($"<text x=\"{labelW + w + 6}\" y=\"{y + 17}\" fill=\"#1d2330\">{n} ({pct:0}%)</text>"))
                  .Append("</g>");
            }
            sb.Append("</svg>");
        }
    }
}
