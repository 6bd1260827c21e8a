using System.Collections.Generic;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Completers;
using ClawdTalk.Lifecycle;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// The published `complete`: the run succeeded with a summary and a payload. Open steps are skipped, pollers are
    /// removed, the completion is logged and remembered, and the slug is kept as history (not forgotten).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Complete, "ClawdTalkMission", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionState))]
    public sealed class CompleteClawdTalkMissionCommand : MissionCmdlet
    {
        readonly HashSet<string> _done = new HashSet<string>(System.StringComparer.Ordinal);

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Summary { get; set; }

        [Parameter]
        public object? Payload { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            if (!_done.Add(Slug)) { WriteVerbose($"'{Slug}' was completed earlier in this pipeline."); return; }
            var payload = Payload == null ? null : UserInput.Value(Payload, "The payload", "InvalidPayloadJson");
            var t = FromSlug(Slug);
            var entry = Store.Require(Slug);
            var summary = Summary ?? "Mission completed.";
            var local = Json.Str(entry, StateKeys.Status) ?? "active";
            var completion = entry[StateKeys.Completion] as JObject;
            if (local == "succeeded" && completion != null && Json.Str(completion, "summary") == summary
                && JToken.DeepEquals(completion["payload"] ?? JValue.CreateNull(), payload ?? JValue.CreateNull()))
            {
                WriteVerbose($"'{Slug}' is already complete with this summary; nothing to do.");
                WriteObject(Store.ToModel(Slug, entry));
                return;
            }
            if ((local == "failed" || local == "cancelled") && !Force)
                throw new ClawdTalkException("MissionAlreadyEnded", ErrorCategory.InvalidOperation,
                    $"The mission '{Slug}' has already ended as {local}; -Force marks its run succeeded anyway.", Slug);
            if (!ShouldProcess(Slug, $"Complete run {t.RunId} as succeeded: {summary}")) return;

            if (local == "active")
                EndRun(t, RunStatus.Succeeded, summary, payload, MissionEventType.Custom, "completion");
            else
            {
                // already ended (by its last step, or -Force over a failure): the result is updated and logged
                var body = new JObject { ["status"] = "succeeded", ["result_summary"] = summary };
                if (payload != null) body["result_payload"] = payload;
                Missions.UpdateRun(t.MissionId, t.RunId, body);
                Store.UpdateExisting(Slug, e =>
                {
                    e[StateKeys.Status] = "succeeded";
                    e[StateKeys.RunStatus] = "succeeded";
                    e[StateKeys.ResultSummary] = summary;
                    if (e[StateKeys.CompletedAt] == null) e[StateKeys.CompletedAt] = MissionStateStore.Now();
                });
                var record = new JObject { ["status"] = "succeeded", ["summary"] = summary };
                if (payload != null) record["result_payload"] = payload.DeepClone();
                LogEvent(t, MissionEventType.Custom, "Mission succeeded: " + summary, payload: record);
                Store.UpdateExisting(Slug, e => MissionStateStore.MemoryOf(e)["completion"] = Stamp(record));
                if (local != "succeeded")
                {
                    var context = new MissionTerminalContext(t.Slug, t.MissionId, t.RunId, RunStatus.Succeeded, summary)
                    { Api = Api, Session = Session, CancelToken = CancelToken, StatePath = Store.Path, Verbose = WriteVerbose };
                    foreach (var w in MissionLifecycle.RaiseTerminal(context)) WriteWarning(w);
                }
            }
            Store.UpdateExisting(Slug, e => e[StateKeys.Completion] = new JObject { ["summary"] = summary, ["payload"] = payload?.DeepClone(), ["at"] = MissionStateStore.Now() });
            WriteObject(Store.ToModel(Slug, Store.Require(Slug)));
        }
    }
}
