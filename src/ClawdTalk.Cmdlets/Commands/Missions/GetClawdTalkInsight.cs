using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Completers;
using ClawdTalk.Lifecycle;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Missions
{
    /// <summary>
    /// A conversation's insights, waiting until the service has completed them (`GET
    /// /missions/conversations/{id}/insights`, polled), with -Timeout, throttled progress and Ctrl+C.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkInsight")]
    [OutputType(typeof(ConversationInsight))]
    public sealed class GetClawdTalkInsightCommand : MissionCmdlet
    {
        // A call that was not answered has no conversation: piped in, it is passed over (checked in Process).
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string ConversationId { get; set; } = "";

        /// <summary>Carried through from the pipeline (a scheduled event's step), so Complete-ClawdTalkMission knows which step the insight belongs to.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? StepId { get; set; }

        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

        [Parameter]
        public SwitchParameter NoWait { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string? Slug { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? MissionId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? RunId { get; set; }

        static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(500);
        static int _activity = 4200;

        protected override void Process()
        {
            if (string.IsNullOrEmpty(ConversationId))
            {
                if (!MyInvocation.ExpectingInput)
                    throw Errors.Invalid("InvalidConversationId", "-ConversationId must not be empty.", ConversationId);
                WriteVerbose("An input object has no conversation (a call that was not answered, or not yet over): it has no insights.");
                return;
            }
            if (Timeout < TimeSpan.Zero) throw Errors.Invalid("InvalidTimeout", "-Timeout must not be negative.", Timeout);
            if (PollInterval < TimeSpan.FromMilliseconds(100)) throw Errors.Invalid("InvalidPollInterval", "-PollInterval must be at least 0.1 seconds.", PollInterval);
            var id = System.Threading.Interlocked.Increment(ref _activity);
            var activity = $"Waiting for the insights of conversation {ConversationId}";
            var path = $"missions/conversations/{Esc(ConversationId)}/insights";
            var api = Api;
            List<JObject> done;
            try
            {
                done = Run(async ct =>
                {
                    var watch = Stopwatch.StartNew();
                    TimeSpan? lastProgress = null;
                    for (var attempt = 1; ; attempt++)
                    {
                        var token = await api.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, ct, LogVerbose, "Conversation", ConversationId).ConfigureAwait(false);
                        var items = Json.UnwrapList(token, "insights", "conversations");
                        var completed = items.Where(i => string.Equals(Json.Str(i, "status"), "completed", StringComparison.OrdinalIgnoreCase)).ToList();
                        if (completed.Count > 0 || NoWait) return NoWait && completed.Count == 0 ? items.ToList() : completed;
                        var left = Timeout - watch.Elapsed;
                        if (left <= TimeSpan.Zero)
                            throw new ClawdTalkException("InsightTimeout", ErrorCategory.OperationTimeout,
                                $"The insights of conversation {ConversationId} were not completed within {Timeout.TotalSeconds:0.#} s ({attempt} reads; last status: {Json.Str(items.FirstOrDefault(), "status") ?? "none"}).", ConversationId)
                            { RecommendedAction = "Run Get-ClawdTalkInsight again later, or with a longer -Timeout." };
                        if (lastProgress == null || watch.Elapsed - lastProgress.Value >= ProgressEvery)
                        {
                            lastProgress = watch.Elapsed;
                            var status = $"{Json.Str(items.FirstOrDefault(), "status") ?? "not started"}; read {attempt}, {watch.Elapsed.TotalSeconds:0} s of {Timeout.TotalSeconds:0} s";
                            var remaining = (int)Math.Ceiling(left.TotalSeconds);
                            Post(() => WriteProgress(new ProgressRecord(id, activity, status) { SecondsRemaining = remaining }));
                        }
                        var wait = PollInterval < left ? PollInterval : left;
                        await Task.Delay(wait, ct).ConfigureAwait(false);
                    }
                });
            }
            finally
            {
                try { WriteProgress(new ProgressRecord(id, activity, "done") { RecordType = ProgressRecordType.Completed }); }
                catch (PipelineStoppedException) { }
                catch (InvalidOperationException) { }
            }
            foreach (var o in done)
            {
                var insight = ConversationInsight.From(o, ConversationId);
                insight.Slug = Slug;
                insight.MissionId = MissionId;
                insight.RunId = RunId;
                insight.StepId = string.IsNullOrEmpty(StepId) ? null : StepId;
                WriteObject(insight);
            }
        }
    }
}
