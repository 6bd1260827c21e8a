namespace ClawdTalk.Commands.Assistants
{
    /// <summary>
    /// Changes an assistant (`PATCH /assistants/{id}`): only the fields given are sent. Between the calls of a sequential
    /// mission this carries what earlier calls learned into the next call's instructions.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ClawdTalkAssistant", SupportsShouldProcess = true)]
    [OutputType(typeof(Assistant))]
    public sealed class SetClawdTalkAssistantCommand : AssistantToolsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(AssistantIdCompleter))]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string AssistantId { get; set; } = "";

        [Parameter]
        [ArgumentCompleter(typeof(AssistantNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string? Instructions { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string? Greeting { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Voice { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Model { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string? Description { get; set; }

        [Parameter]
        [ValidateSet("telephony", "messaging", IgnoreCase = true)]
        [Alias("EnabledFeatures")]
        public string[]? Feature { get; set; }

        /// <summary>Any fields of the assistant by their service names (`update-assistant` takes any JSON); the named parameters win.</summary>
        [Parameter]
        [ValidateNotNull]
        public System.Collections.IDictionary? Property { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            AssistantInput.CheckText(Instructions, "The instructions", 100_000);
            AssistantInput.CheckText(Greeting, "The greeting", 2_000);
            var changes = new AssistantFields();
            if (Property != null)
                foreach (System.Collections.DictionaryEntry kv in Property)
                {
                    var field = System.Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture)?.Trim();
                    if (string.IsNullOrEmpty(field))
                        throw Errors.Invalid(ErrorIds.InvalidProperty, "-Property has an empty field name.", AssistantId);
                    changes.Value(field!, kv.Value);
                }
            if (Name != null) changes.Text("name", Name.Trim());
            if (Instructions != null) changes.Text("instructions", Instructions);
            if (Greeting != null) changes.Text("greeting", Greeting);
            if (Voice != null) changes.Text("voice", Voice);
            if (Model != null) changes.Text("model", Model);
            if (Description != null) changes.Text("description", Description);
            if (ToolsGiven) WithTools(changes);
            if (Feature != null) changes.Features(Feature);
            if (changes.Names.Count == 0)
                throw Errors.Invalid(ErrorIds.NothingToChange, "Give at least one field to change (-Instructions, -Greeting, -Name, -Tool, -Property @{…}, …).", AssistantId);
            if (!ShouldProcess(AssistantId, $"Change {string.Join(", ", changes.Names)}")) return;
            var a = Run(ct => Assistants.UpdateAsync(AssistantId, changes, ct));
            Session.Feature(() => new AssistantCache()).Seen(a);
            WriteVerbose($"Assistant {AssistantId}: changed {string.Join(", ", changes.Names)}.");
            if (PassThru) WriteObject(a);
        }
    }
}
