namespace ClawdTalk.Commands.Assistants
{
    /// <summary>
    /// Creates a voice assistant (`POST /assistants`) with the published client's defaults: model openai/gpt-4o, voice
    /// Rime.ArcanaV3.astra, no greeting (the callee speaks first on outbound calls), telephony and messaging, the hang-up and
    /// DTMF tools. Created once: when the answer is lost, the assistant is looked up instead of created again.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "ClawdTalkAssistant", SupportsShouldProcess = true)]
    [OutputType(typeof(Assistant))]
    public sealed class NewClawdTalkAssistantCommand : AssistantToolsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Instructions { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Greeting { get; set; } = "";

        // An assistant piped in may have no voice or model: empty means the default.
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string Voice { get => _voice; set => _voice = string.IsNullOrEmpty(value) ? AssistantsApi.DefaultVoice : value; }
        string _voice = AssistantsApi.DefaultVoice;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string Model { get => _model; set => _model = string.IsNullOrEmpty(value) ? AssistantsApi.DefaultModel : value; }
        string _model = AssistantsApi.DefaultModel;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Description { get; set; }

        [Parameter]
        [ValidateSet("telephony", "messaging", IgnoreCase = true)]
        [Alias("EnabledFeatures")]
        public string[] Feature { get; set; } = { "telephony", "messaging" };

        protected override void Process()
        {
            AssistantInput.CheckText(Instructions, "The instructions", 100_000);
            AssistantInput.CheckText(Greeting, "The greeting", 2_000);
            var body = WithTools(new AssistantFields().Text("name", Name.Trim()).Text("model", Model).Text("instructions", Instructions).Text("greeting", Greeting).Text("voice", Voice))
                .Features(Feature);
            if (Description != null) body.Text("description", Description);
            if (!ShouldProcess(Name, $"Create an assistant ({Model}, voice {Voice}, tools {string.Join(", ", body.ToolTypes)})")) return;

            var api = Assistants;
            var started = DateTimeOffset.UtcNow;
            Assistant? created;
            try { created = Run(ct => api.CreateAsync(body, ct)); }
            catch (RequestOutcomeUnknownException)
            {
                // the answer was lost: adopt the one assistant of this name created since, never create a second
                var candidates = Run(ct => api.ListPageAsync(1, 100, Name.Trim(), ct)).Items
                    .Where(a => a.Name == Name.Trim() && a.CreatedAt is DateTimeOffset c && c >= started.AddMinutes(-1)).ToList();
                if (candidates.Count != 1) throw;
                WriteVerbose($"The answer was lost; the assistant {candidates[0].AssistantId} it created was found.");
                created = candidates[0];
            }
            var a = created != null && created.AssistantId.Length > 0 ? created
                : throw new ClawdTalkException(ErrorIds.InvalidServerResponse, ErrorCategory.InvalidResult, "The service created the assistant but sent no id.", Name);
            Session.Feature(() => new AssistantCache()).Seen(a);
            WriteObject(a);
        }
    }
}
