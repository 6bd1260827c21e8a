using ClawdTalk.Commands.Missions;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.Pollers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Pollers
{
    /// <summary>
    /// Registers a poller for a mission with the platform scheduler (cron on Linux and macOS, ScheduledTask on Windows
    /// with PowerShell 7, ScheduledJob on Windows PowerShell 5.1): a recurring job that runs Invoke-ClawdTalkPoll for
    /// the mission, at an interval that follows its next scheduled event, and that removes itself when the mission ends.
    /// Scheduled events piped in are recorded with the mission so the poller watches them. With -NotifyAgent the agent's
    /// session is told when the mission ends (<see cref="AgentNotice"/>); the gateway is checked at registration.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "ClawdTalkPoller", SupportsShouldProcess = true, DefaultParameterSetName = BySlug)]
    [OutputType(typeof(PollerInfo))]
    public sealed class RegisterClawdTalkPollerCommand : MissionCmdlet
    {
        readonly Dictionary<string, List<(string eventId, string? assistantId)>> _bySlug = new Dictionary<string, List<(string, string?)>>(StringComparer.Ordinal);
        readonly List<string> _order = new List<string>();

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySlug, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SlugCompleter))]
        public string Slug { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MissionIdCompleter))]
        public string MissionId { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = "";

        // Empty or null (a MissionState piped before Add-ClawdTalkAgent has no AssistantId) means "not given".
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(EventIdCompleter))]
        public string[]? EventId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? AssistantId { get; set; }

        [Parameter]
        [ValidateRange(1, 10)]
        public int? MaxAttempts { get; set; }

        [Parameter]
        public TimeSpan? RetryDelay { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Executable { get; set; }

        /// <summary>
        /// When the mission ends, send the agent's main session one message through the OpenClaw gateway (sessions_send): which
        /// mission, how it ended, what its calls gave, what to do next. The gateway and its token are checked now.
        /// </summary>
        [Parameter]
        public SwitchParameter NotifyAgent { get; set; }

        /// <summary>With -NotifyAgent: also one message for each call or text of the mission that is over.</summary>
        [Parameter]
        public SwitchParameter NotifyEachCall { get; set; }

        IPollerScheduler? _scheduler;
        NoticeGateway? _notice;

        protected override void Begin()
        {
            if (RetryDelay.HasValue && (RetryDelay.Value < TimeSpan.FromMinutes(1) || RetryDelay.Value > TimeSpan.FromDays(7)))
                throw Errors.Terminating(ErrorIds.InvalidRetryDelay, ErrorCategory.InvalidArgument, "-RetryDelay must be between 1 minute and 7 days (the service schedules calls at least a minute ahead).", RetryDelay);
            if (NotifyEachCall && !NotifyAgent)
                throw Errors.Terminating(ErrorIds.NotifyEachCallNeedsNotifyAgent, ErrorCategory.InvalidArgument, "-NotifyEachCall adds to -NotifyAgent: give both.");
            _scheduler = PollerSupport.RequireScheduler();
            if (NotifyAgent)
            {
                // the poller's own process will send it: the gateway is found as that process finds it, and probed now
                // (nothing is delivered), so a missing or refused token fails here and not silently when the mission ends
                _notice = AgentNotice.Resolve();
                try { Run(ct => System.Threading.Tasks.Task.Run(() => AgentNotice.Probe(_notice, ct), ct)); }
                catch (ClawdTalkException ex) { ex.Terminating = true; throw; }
                WriteVerbose($"The agent gateway at {_notice.Url.GetLeftPart(UriPartial.Authority)} (token from {_notice.TokenSource}) takes the token and allows sessions_send; notices go to {_notice.SessionKey}.");
            }
            // finds the program to run (pwsh or clawdtalk) before anything is recorded or registered
            WarnIfTheJobCannotConnect();
            _ = PollerCommand.For("probe", Executable != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(Executable) : null, PollerSupport.ModuleBase(MyInvocation.MyCommand.Module));
        }

        /// <summary>
        /// The job runs in a process of its own, which sees the configuration and the scheduler's environment but not this
        /// session's Connect-ClawdTalk: say so when that is where the key or the server comes from.
        /// </summary>
        void WarnIfTheJobCannotConnect()
        {
            var here = Session.Explicit;
            if (here == null) return;
            try
            {
                var there = Config.ConnectionResolver.Resolve(new Session.ModuleSession());
                if (there.ApiBase != here.ApiBase)
                    WriteWarning($"The poller runs in its own process and will use {there.ApiBase} (from {there.KeySource}), not this session's {here.ApiBase}. Persist the connection (Connect-ClawdTalk -Persist) if that is not what you want.");
            }
            catch (ClawdTalkException)
            {
                WriteWarning("The poller runs in its own process and will not see the key given to Connect-ClawdTalk in this session. Persist it (Connect-ClawdTalk -Persist, or Set-ClawdTalkConfiguration -ApiKey/-ApiKeyVariable), or give cron the key in CLAWDTALK_API_KEY.");
            }
        }

        protected override void Process()
        {
            string slug;
            if (ParameterSetName == BySlug) slug = Slug;
            else slug = Store.SlugOf(MissionId, RunId) ?? throw new ClawdTalkException(ErrorIds.MissionStateNotFound, ErrorCategory.ObjectNotFound,
                $"Run {RunId} of mission {MissionId} has no slug in {Store.Path}; a poller needs the mission in the state file (Initialize-ClawdTalkMission).", RunId);
            var entry = Store.Require(slug);
            FromSlug(slug); // a mission and a run
            var status = Json.Str(entry, StateKeys.Status) ?? "active";
            if (status != "active")
                throw new ClawdTalkException(ErrorIds.MissionAlreadyEnded, ErrorCategory.InvalidOperation,
                    $"The mission '{slug}' has already ended ({status}); it needs no poller.", slug);
            if (!_bySlug.TryGetValue(slug, out var events))
            {
                _bySlug[slug] = events = new List<(string, string?)>();
                _order.Add(slug);
            }
            var given = string.IsNullOrEmpty(AssistantId) ? null : AssistantId;
            foreach (var id in (EventId ?? Array.Empty<string>()).Where(i => !string.IsNullOrEmpty(i)))
            {
                var aid = given ?? Json.Str(entry, StateKeys.AssistantId);
                if (aid == null)
                    throw Errors.Invalid(ErrorIds.AssistantIdRequired, $"The event {id} needs -AssistantId: the mission '{slug}' has no assistant yet (Add-ClawdTalkAgent).", id);
                if (!events.Any(e => e.eventId == id)) events.Add((id, aid));
            }
        }

        protected override void End()
        {
            foreach (var slug in _order)
            {
                try { RegisterOne(slug, _bySlug[slug]); }
                catch (ClawdTalkException ex) when (!ex.Terminating) { WriteError(ex); }
                Drain();
            }
        }

        void RegisterOne(string slug, List<(string eventId, string? assistantId)> newEvents)
        {
            var scheduler = _scheduler!;
            var entry = Store.Require(slug);
            var records = EventRecords.Of(entry);
            var added = new List<EventRecord>();
            foreach (var (eventId, aid) in newEvents)
            {
                if (records.Any(r => r.Id == eventId)) continue;
                var ev = Run(ct => ScheduledEvents.GetAsync(aid!, eventId, ct)) ?? throw InvokeClawdTalkPollCommand.NoEvent(eventId); // the event must exist; its time sets the interval
                var mid = Json.Str(ev, "mission_id");
                if (mid != null && mid != Json.Str(entry, StateKeys.MissionId))
                    throw Errors.Invalid(ErrorIds.EventNotOfMission, $"The event {eventId} belongs to mission {mid}, not to '{slug}'.", eventId);
                var r = EventRecord.Create(ev, aid!);
                records.Add(r);
                added.Add(r);
            }
            var now = DateTimeOffset.UtcNow;
            // the events' times are the service's clock's (a sandbox's runs ahead of this machine's): measured on it
            var serviceNow = Api.Connection.Clock.GetUtcNow();
            var (next, underWay) = InvokeClawdTalkPollCommand.NextLook(records, serviceNow);
            var interval = PollInterval.For(next, underWay, serviceNow, Api.Connection.Clock.Scale);
            var command = PollerCommand.For(slug, Executable != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(Executable) : null, PollerSupport.ModuleBase(MyInvocation.MyCommand.Module));
            var spec = new PollerSpec(slug, interval, command, now);

            var what = $"Register a {scheduler.Name} poller {PollInterval.Describe(spec.Interval)} running {command.Program} … Invoke-ClawdTalkPoll -Slug '{slug}'"
                       + (added.Count > 0 ? $", watching {string.Join(", ", added.Select(a => a.Id))}" : "")
                       + (MaxAttempts > 1 ? $", placing up to {MaxAttempts - 1} more call(s) when a call is not answered" : "")
                       + (_notice != null ? $", telling the agent ({_notice.SessionKey}) when the mission ends" + (NotifyEachCall ? " and when each call is over" : "") : "");
            if (!ShouldProcess(slug, what)) return;

            Store.UpdateExisting(slug, e =>
            {
                EventRecords.Merge(e, added);
                if (MaxAttempts.HasValue || RetryDelay.HasValue)
                {
                    if (!(e[PollerStateKeys.RetryPolicy] is JObject p)) e[PollerStateKeys.RetryPolicy] = p = new JObject { ["max_attempts"] = 1, ["delay_seconds"] = 300 };
                    if (MaxAttempts.HasValue) p["max_attempts"] = MaxAttempts.Value;
                    if (RetryDelay.HasValue) p["delay_seconds"] = (int)RetryDelay.Value.TotalSeconds;
                }
                if (_notice != null)
                {
                    // what was sent before stays: a second registration never repeats a notice
                    if (!(e[PollerStateKeys.NotifyAgent] is JObject n)) e[PollerStateKeys.NotifyAgent] = n = new JObject();
                    n["per_call"] = NotifyEachCall.IsPresent;
                    n["registered_at"] = MissionStateStore.Now();
                }
                e[PollerStateKeys.Poller] = new JObject
                {
                    ["backend"] = scheduler.Name, ["interval_seconds"] = (int)spec.Interval.TotalSeconds,
                    ["registered_at"] = MissionStateStore.Now(), ["command"] = command.ToJson(),
                };
            });
            PollerSupport.PrepareLog(command.LogPath);
            scheduler.Register(spec);
            WriteVerbose($"Registered the {scheduler.Name} poller of '{slug}' ({PollInterval.Describe(spec.Interval)}); its log is {command.LogPath}.");
            var mine = scheduler.List().FirstOrDefault(e => e.Slug == slug);
            if (mine == null)
                throw new ClawdTalkException(ErrorIds.PollerSchedulerFailed, ErrorCategory.InvalidResult, $"The {scheduler.Name} scheduler did not keep the poller of '{slug}'.", slug);
            if (scheduler.Runs == false)
                WriteWarning($"No {scheduler.Name} daemon runs on this machine, so the poller of '{slug}' will not tick until one does (e.g. sudo service cron start). " +
                             $"Meanwhile run one tick yourself whenever you look: Invoke-ClawdTalkPoll -Slug {slug} (it returns at once).");
            WriteObject(PollerSupport.ToInfo(mine, PollerSupport.TryReadStore(Store)));
        }
    }
}
