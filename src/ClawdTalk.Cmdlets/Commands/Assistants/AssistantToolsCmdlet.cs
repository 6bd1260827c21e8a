namespace ClawdTalk.Commands.Assistants
{
    /// <summary>
    /// The tool parameters New-ClawdTalkAssistant and Set-ClawdTalkAssistant share (the one base between them and
    /// <see cref="ClawdTalkCmdlet"/>): extra tools, whether the default hang-up and DTMF tools are left out, the hang-up
    /// tool's description and the numbers a transfer tool may reach. <see cref="AssistantFields.Tools"/> turns them into
    /// the request's `tools`.
    /// </summary>
    public abstract class AssistantToolsCmdlet : ClawdTalkCmdlet
    {
        [Parameter]
        [Alias("Tools")]
        public object[]? Tool { get; set; }

        [Parameter]
        public SwitchParameter NoDefaultTools { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? HangupDescription { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TransferTo { get; set; }

        /// <summary>True when any tool parameter was given (Set-ClawdTalkAssistant changes the tools only then).</summary>
        internal bool ToolsGiven => Tool != null || NoDefaultTools || HangupDescription != null || TransferTo != null;

        /// <summary>Adds the `tools` these parameters make to <paramref name="fields"/>.</summary>
        internal AssistantFields WithTools(AssistantFields fields) => fields.Tools(Tool, NoDefaultTools, HangupDescription, TransferTo);
    }
}
