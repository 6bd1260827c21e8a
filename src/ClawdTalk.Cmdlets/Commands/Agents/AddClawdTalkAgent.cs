using ClawdTalk.Commands.Missions;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Agents
{
    /// <summary>
    /// The published `setup-agent` (2.0.6): an assistant (created once, or the one given), linked to the mission's run and
    /// verified by reading the links back, and the account's dedicated number kept as the mission's from-number
    /// without assigning it (every mission calls from it, so a one-number account runs any number of missions);
    /// `-AssignNumber` also assigns it to the assistant's telephony connection, for inbound calls. Each result is stored
    /// as soon as it exists, so a rerun continues and never creates a second assistant.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "ClawdTalkAgent", SupportsShouldProcess = true)]
    [OutputType(typeof(MissionState))]
    public sealed class AddClawdTalkAgentCommand : SlugScopedCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AssistantId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Instructions { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string Greeting { get; set; } = "";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Voice { get; set; } = AssistantsApi.DefaultVoice;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Model { get; set; } = AssistantsApi.DefaultModel;

        [Parameter]
        public SwitchParameter NoPhoneNumber { get; set; }

        /// <summary>Also assign the dedicated number to the assistant's telephony connection (for inbound calls).</summary>
        [Parameter]
        public SwitchParameter AssignNumber { get; set; }

        protected override void Process()
        {
            if (NoPhoneNumber && AssignNumber)
                throw Errors.Invalid(ErrorIds.ConflictingParameters, "-NoPhoneNumber and -AssignNumber exclude each other: a number can only be assigned when the agent has one.", Slug);
            var t = Book.FromSlug(Slug);
            var entry = Store.Require(Slug);
            var missionName = Json.Str(entry, StateKeys.MissionName) ?? Slug;
            var name = Name ?? $"{missionName} agent";
            var stored = Json.Str(entry, StateKeys.AssistantId);
            var wantsNumber = !NoPhoneNumber && Json.Str(entry, StateKeys.PhoneNumberId) == null;
            if (!ShouldProcess(Slug, $"{(AssistantId ?? stored) switch { null => $"Create the assistant '{name}'", var a => $"Use the assistant {a}" }}, link it to run {t.RunId}"
                    + (wantsNumber ? " and keep the account's dedicated number as its from-number" : "")
                    + (AssignNumber ? " and assign the number to it (inbound)" : ""))) return;

            var api = Assistants;
            var did = new List<string>();

            // 1. the assistant: the one given, the one stored, or a new one (created once)
            string? aid = AssistantId;
            if (aid != null) Run(ct => api.GetAsync(aid, ct)); // AssistantNotFound when it does not exist
            else if (stored != null)
            {
                try { Run(ct => api.GetAsync(stored, ct)); aid = stored; }
                catch (ClawdTalkApiException ex) when (ex.ErrorId == ErrorIds.AssistantNotFound)
                {
                    WriteWarning($"The stored assistant {stored} no longer exists; a new one is created.");
                    Store.UpdateExisting(Slug, e => { e[StateKeys.AssistantId] = null; e[StateKeys.PhoneNumberId] = null; e[StateKeys.AgentPhone] = null; });
                    wantsNumber = !NoPhoneNumber;
                }
            }
            if (aid == null)
            {
                // no number, no new assistant: a rerun must not leave one more assistant behind each time
                if (wantsNumber && Run(ct => api.AvailableNumberAsync(ct)) == null) throw NoNumber();
                aid = Book.CreateOnce(Slug, "assistant",
                    // an assistant of this name made for this slug (its description names the slug) since the marker
                    find: m => Run(ct => api.FindByNameAsync(name, ct))
                        .Where(a => a.Name == name && (a.Description ?? "").EndsWith(Tag, System.StringComparison.Ordinal) && ClawdTalk.Api.CreateOnce.CreatedSince(a.CreatedAt, Json.Date(m, "started_at")))
                        .Select(a => a.AssistantId).FirstOrDefault(id => id.Length > 0),
                    create: m => Id(Run(ct => api.CreateAsync(AssistantsApi.CreateBody(name, Instructions ?? $"You are the voice agent of the mission '{missionName}'. Be brief, friendly and clear.",
                            Greeting, Voice, Model, $"Voice agent of the ClawdTalk mission '{missionName}' {Tag}"), ct)))
                        ?? throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service created the assistant but sent no id."),
                    record: (e, id) => e[StateKeys.AssistantId] = id);
                did.Add($"created the assistant {aid}");
            }
            else if (aid != stored)
            {
                Store.UpdateExisting(Slug, e => e[StateKeys.AssistantId] = aid);
                did.Add($"uses the assistant {aid}");
            }

            // 2. linked to the run, verified by reading the links back
            bool Linked() => Run(ct => Missions.ListAgentsAsync(t.MissionId, t.RunId, ct)).Any(a => Json.Str(a, "telnyx_agent_id", "agent_id") == aid);
            if (!Linked())
            {
                Run(ct => Missions.LinkAgentAsync(t.MissionId, t.RunId, aid, ct));
                if (!Linked())
                    throw new ClawdTalkException(ErrorIds.AgentLinkNotVerified, ErrorCategory.InvalidResult,
                        $"The service accepted the link of assistant {aid} to run {t.RunId}, but the run's linked agents do not list it. Run Add-ClawdTalkAgent again.", aid);
                did.Add($"linked it to run {t.RunId}");
            }

            // 3. the account's dedicated number: the mission's from-number, not assigned (2.0.6); -AssignNumber assigns it
            if (wantsNumber)
            {
                var phone = Run(ct => api.AvailableNumberAsync(ct)) ?? throw NoNumber();
                var phoneId = phone.PhoneNumberId;
                var number = phone.PhoneNumber;
                Store.UpdateExisting(Slug, e => { e[StateKeys.PhoneNumberId] = phoneId; e[StateKeys.AgentPhone] = number; });
                did.Add($"calls from the dedicated number {number}");
            }
            if (AssignNumber)
            {
                var phoneId = Json.Str(Store.Require(Slug), StateKeys.PhoneNumberId) ?? throw NoNumber();
                var connection = Run(ct => api.ConnectionIdAsync(aid, "telephony", ct))
                    ?? throw new ClawdTalkException(ErrorIds.AssistantConnectionMissing, ErrorCategory.InvalidResult,
                        $"The assistant {aid} has no telephony connection id, so no number can be assigned to it. Enable its telephony feature and run Add-ClawdTalkAgent -AssignNumber again.", aid);
                var current = Run(ct => api.NumbersAsync(ct)).FirstOrDefault(n => n.PhoneNumberId == phoneId);
                if (current == null || current.ConnectionId != connection)
                {
                    Run(ct => api.AssignNumberAsync(phoneId, connection, "voice", ct));
                    did.Add($"assigned the number {Json.Str(Store.Require(Slug), StateKeys.AgentPhone)} to it (inbound)");
                }
            }

            // 4. the record
            var after = Store.Require(Slug);
            if (did.Count > 0)
            {
                var record = new JObject
                {
                    ["assistant_id"] = aid, ["agent_phone"] = Json.Str(after, StateKeys.AgentPhone), ["phone_number_id"] = Json.Str(after, StateKeys.PhoneNumberId),
                    ["did"] = new JArray(did),
                };
                Book.LogEvent(t, MissionEventType.Custom, $"Agent set up: {string.Join("; ", did)}.", payload: record);
                Store.UpdateExisting(Slug, e => MissionStateStore.MemoryOf(e)["agent"] = MissionEntries.Stamp((JObject)record.DeepClone()));
            }
            else WriteVerbose($"The agent of '{Slug}' is already set up (assistant {aid}); nothing to do.");
            WriteObject(Store.ToModel(Slug, Store.Require(Slug)));
        }

        static string? Id(Assistant? a) => string.IsNullOrEmpty(a?.AssistantId) ? null : a!.AssistantId;

        /// <summary>Ends the description of the assistants this cmdlet creates, so a rerun can find one whose answer was lost.</summary>
        string Tag => $"[{Slug}]";

        ClawdTalkException NoNumber() =>
            new ClawdTalkException(ErrorIds.NoPhoneNumberAvailable, ErrorCategory.ResourceUnavailable,
                "The account has no dedicated phone number: outbound calls need one (a paid ClawdTalk plan). No assistant was left behind; run Add-ClawdTalkAgent again once the account has one, or use -NoPhoneNumber.", Slug)
            { RecommendedAction = "Get a dedicated number for the account (paid plan), then run Add-ClawdTalkAgent again." };
    }
}
