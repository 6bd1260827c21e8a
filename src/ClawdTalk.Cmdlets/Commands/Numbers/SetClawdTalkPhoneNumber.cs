using ClawdTalk.Numbers;

namespace ClawdTalk.Commands.Numbers
{
    /// <summary>
    /// Assigns an account number to an assistant (`PATCH /numbers/account-phones/{id}` with its telephony or messaging
    /// connection id). Moving a number that another connection holds needs -Force.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ClawdTalkPhoneNumber", SupportsShouldProcess = true, DefaultParameterSetName = ById)]
    [OutputType(typeof(AccountPhoneNumber))]
    public sealed class SetClawdTalkPhoneNumberCommand : ClawdTalkCmdlet
    {
        internal const string ById = "ById", ByNumber = "ByNumber";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string PhoneNumberId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNumber, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Number")]
        public string PhoneNumber { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(AssistantIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string? AssistantId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConnectionId { get; set; }

        [Parameter]
        [ValidateSet("voice", "sms", IgnoreCase = true)]
        public string Type { get; set; } = "voice";

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            if ((AssistantId == null) == (ConnectionId == null))
                throw Errors.Invalid(ErrorIds.AssignmentTargetRequired, "Give either -AssistantId (its connection is looked up) or -ConnectionId.", PhoneNumberId.Length > 0 ? PhoneNumberId : PhoneNumber);
            var type = Type.ToLowerInvariant();
            var api = Assistants;
            var numbers = Run(ct => api.NumbersAsync(ct)).ToList();
            AccountPhoneNumber? number;
            if (ParameterSetName == ByNumber)
            {
                var wanted = E164.Normalize(PhoneNumber, "phone number", E164.Strictness.Possible);
                number = numbers.FirstOrDefault(n => GetClawdTalkPhoneNumberCommand.Normal(n.PhoneNumber) == wanted)
                    ?? throw new ClawdTalkException(ErrorIds.PhoneNumberNotFound, ErrorCategory.ObjectNotFound, $"The account has no number {wanted}.", wanted);
            }
            else
                number = numbers.FirstOrDefault(n => n.PhoneNumberId == PhoneNumberId)
                    ?? throw new ClawdTalkException(ErrorIds.PhoneNumberNotFound, ErrorCategory.ObjectNotFound, $"The account has no number with the id {PhoneNumberId}.", PhoneNumberId);

            var connection = ConnectionId;
            if (AssistantId != null)
            {
                var feature = type == "sms" ? "messaging" : "telephony";
                connection = Run(ct => api.ConnectionIdAsync(AssistantId, feature, ct))
                    ?? throw new ClawdTalkException(ErrorIds.AssistantConnectionMissing, ErrorCategory.InvalidOperation,
                        $"The assistant {AssistantId} has no {feature} connection: enable the feature (Set-ClawdTalkAssistant -Feature) first.", AssistantId);
            }
            if (number.ConnectionId == connection)
            {
                WriteVerbose($"{number.PhoneNumber} is already assigned to {connection}.");
                if (PassThru) WriteObject(number);
                return;
            }
            if (!number.IsAvailable && !Force)
                throw new ClawdTalkException(ErrorIds.PhoneNumberInUse, ErrorCategory.ResourceBusy,
                    $"{number.PhoneNumber} is assigned to the connection {number.ConnectionId}; -Force moves it (calls to it then reach the other assistant).", number.PhoneNumberId);
            var action = $"Assign to {(AssistantId != null ? $"assistant {AssistantId} ({connection})" : connection)} for {type}" + (number.IsAvailable ? "" : $", taking it from {number.ConnectionId}");
            if (!ShouldProcess($"{number.PhoneNumber} ({number.PhoneNumberId})", action)) return;
            var result = Run(ct => api.AssignNumberAsync(number.PhoneNumberId, connection!, type, ct)) ?? number;
            if (result.ConnectionId == null) { result.ConnectionId = connection; result.Type = type; }
            WriteVerbose($"{result.PhoneNumber} is assigned to {connection} ({type}).");
            if (PassThru) WriteObject(result);
        }
    }
}
