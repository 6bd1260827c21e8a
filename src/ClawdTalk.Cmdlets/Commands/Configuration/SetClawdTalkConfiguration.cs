using System.Security;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Configuration
{
    /// <summary>Writes values to the configuration file, keeping every other key as it was.</summary>
    [Cmdlet(VerbsCommon.Set, "ClawdTalkConfiguration", SupportsShouldProcess = true)]
    [OutputType(typeof(ClawdTalk.Configuration))]
    public sealed class SetClawdTalkConfigurationCommand : ClawdTalkCmdlet
    {
        [Parameter] public SecureString? ApiKey { get; set; }
        [Parameter] [ValidatePattern("^[A-Za-z_][A-Za-z0-9_]*$")] public string? ApiKeyVariable { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? Server { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? OwnerName { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? AgentName { get; set; }
        [Parameter] [AllowEmptyString] public string? Greeting { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? GatewayUrl { get; set; }
        [Parameter] public SecureString? GatewayToken { get; set; }
        [Parameter] [ValidatePattern("^[A-Za-z_][A-Za-z0-9_]*$")] public string? GatewayTokenVariable { get; set; }
        [Parameter] [ValidatePattern("^[A-Za-z0-9_.-]+$")] public string? AgentId { get; set; }
        [Parameter] [ValidateRange(1, 1000)] public int? MaxConversationTurns { get; set; }
        [Parameter] [AllowEmptyCollection] public string[]? AddApprovalWord { get; set; }
        [Parameter] [AllowEmptyCollection] public string[]? RemoveApprovalWord { get; set; }
        /// <summary>The owner's numbers (E.164): only they reach the agent by text. Replaces the list (`owner_numbers`; the older `sms_allowlist` is merged into it).</summary>
        [Parameter] [AllowEmptyCollection] public string[]? OwnerNumber { get; set; }
        /// <summary>Texts from every number reach the agent (`allow_any_sender`); -AllowAnySender:$false turns it off.</summary>
        [Parameter] public SwitchParameter AllowAnySender { get; set; }
        [Parameter] public ApprovalMode? ApprovalMode { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string? Path { get; set; }
        [Parameter] public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            // Everything is checked before the file is touched: a bad value leaves the file as it was.
            if (ApiKey != null && ApiKeyVariable != null) throw Errors.Terminating(ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, "Give -ApiKey or -ApiKeyVariable, not both.");
            if (GatewayToken != null && GatewayTokenVariable != null) throw Errors.Terminating(ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, "Give -GatewayToken or -GatewayTokenVariable, not both.");
            var changes = new JObject();
            if (ApiKey != null) changes[ConfigKeys.ApiKey] = CheckedSecret(SecureText.ToPlain(ApiKey), ErrorIds.InvalidApiKey, "API key");
            if (ApiKeyVariable != null) changes[ConfigKeys.ApiKey] = "${" + ApiKeyVariable + "}";
            if (Server != null)
            {
                var uri = ConnectionResolver.ParseServer(Server);
                changes[ConfigKeys.Server] = uri.AbsoluteUri.TrimEnd('/');
            }
            if (OwnerName != null) changes[ConfigKeys.OwnerName] = OwnerName;
            if (AgentName != null) changes[ConfigKeys.AgentName] = AgentName;
            if (Greeting != null) changes[ConfigKeys.Greeting] = Greeting;
            if (GatewayUrl != null) changes[ConfigKeys.GatewayUrl] = ConnectionResolver.ParseServer(GatewayUrl).AbsoluteUri.TrimEnd('/');
            if (GatewayToken != null) changes[ConfigKeys.GatewayToken] = CheckedSecret(SecureText.ToPlain(GatewayToken), ErrorIds.InvalidGatewayToken, "gateway token");
            if (GatewayTokenVariable != null) changes[ConfigKeys.GatewayToken] = "${" + GatewayTokenVariable + "}";
            if (AgentId != null) changes[ConfigKeys.AgentId] = AgentId;
            if (MaxConversationTurns != null) changes[ConfigKeys.MaxConversationTurns] = MaxConversationTurns.Value;
            if (AddApprovalWord != null) changes[ConfigKeys.ApprovalWordsAdd] = new JArray(ClawdTalk.Bridge.ApprovalWords.Checked(AddApprovalWord));
            if (RemoveApprovalWord != null) changes[ConfigKeys.ApprovalWordsRemove] = new JArray(ClawdTalk.Bridge.ApprovalWords.Checked(RemoveApprovalWord));
            if (OwnerNumber != null)
                changes[ConfigKeys.OwnerNumbers] = new JArray(ClawdTalk.Bridge.GatewaySettings.CheckedNumbers(OwnerNumber, "-OwnerNumber").OrderBy(n => n, StringComparer.Ordinal).ToArray());
            if (MyInvocation.BoundParameters.ContainsKey(nameof(AllowAnySender))) changes[ConfigKeys.AllowAnySender] = AllowAnySender.IsPresent;
            if (ApprovalMode != null) changes[ConfigKeys.ApprovalMode] = ApprovalMode.Value.ToString();

            var path = GetClawdTalkConfigurationCommand.ResolvePath(this, Path);
            var current = ConfigStore.Read(path); // fails on an invalid file before anything is written
            if (changes.Count == 0)
            {
                if (PassThru) WriteObject(ConfigKeys.Describe(path, File.Exists(path), current));
                return;
            }
            var names = string.Join(", ", changes.Properties().Select(p => p.Name));
            if (!ShouldProcess(path, $"Set {names}")) return;
            var updated = ConfigStore.Update(path, c =>
            {
                foreach (var p in changes.Properties()) c[p.Name] = p.Value.DeepClone();
                // one list of the owner's numbers: the older name goes once the list is written under the new one
                if (changes[ConfigKeys.OwnerNumbers] != null) c.Remove(ClawdTalk.Bridge.GatewaySettings.SmsAllowlistKey);
            });
            if (changes[ConfigKeys.AllowAnySender]?.Type == JTokenType.Boolean && (bool)changes[ConfigKeys.AllowAnySender]!)
                WriteWarning("Texts from every number will reach the agent (allow_any_sender): a stranger's text reaches it marked as a stranger's, and only your approval lets a sensitive request of theirs through.");
            WriteVerbose($"Updated {names} in {path}.");
            if (PassThru) WriteObject(ConfigKeys.Describe(path, true, updated));
        }

        static string CheckedSecret(string value, string errorId, string what) =>
            SecureText.IsPlausibleSecret(value) ? value
                : throw Errors.Terminating(errorId, ErrorCategory.InvalidArgument, $"The {what} is empty or contains spaces or control characters; nothing was written.");
    }
}
