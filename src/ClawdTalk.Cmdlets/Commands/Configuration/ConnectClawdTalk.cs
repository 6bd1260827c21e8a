using System.Security;
using ClawdTalk.Config;

namespace ClawdTalk.Commands.Configuration
{
    /// <summary>Sets the session's connection: API key and server, for every later ClawdTalk cmdlet in this runspace.</summary>
    [Cmdlet(VerbsCommunications.Connect, "ClawdTalk", DefaultParameterSetName = FromSources, SupportsShouldProcess = true)]
    [OutputType(typeof(ConnectionInfo))]
    public sealed class ConnectClawdTalkCommand : ClawdTalkCmdlet
    {
        public const string FromSources = "FromSources", WithKey = "ApiKey", FromVault = "Vault";

        [Parameter(Mandatory = true, ParameterSetName = WithKey, ValueFromPipeline = true)]
        public SecureString ApiKey { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = FromVault)]
        [ValidateNotNullOrEmpty]
        public string Vault { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = FromVault)]
        [ValidateNotNullOrEmpty]
        public string SecretName { get; set; } = "";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Server { get; set; }

        [Parameter]
        public SwitchParameter AllowInsecure { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 30;

        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetryCount { get; set; } = 3;

        [Parameter]
        public SwitchParameter Persist { get; set; }

        /// <summary>The owner's numbers, saved to the configuration (`owner_numbers`): only they reach the agent by text through the bridge.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? OwnerNumber { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            string key; string source;
            switch (ParameterSetName)
            {
                case WithKey:
                    key = SecureText.ToPlain(ApiKey); source = "parameter (-ApiKey)"; break;
                case FromVault:
                    key = FromSecretVault(); source = $"secret vault ({Vault}/{SecretName})"; break;
                default:
                    var resolved = ConnectionResolver.Resolve(new Session.ModuleSession());
                    key = resolved.ApiKey; source = resolved.KeySource;
                    if (Server == null) Server = resolved.ApiBase.AbsoluteUri;
                    break;
            }
            if (!SecureText.IsPlausibleSecret(key))
                throw Errors.Terminating(ErrorIds.InvalidApiKey, ErrorCategory.InvalidArgument, "The API key is empty or contains spaces or control characters.");

            Uri apiBase;
            var envUrl = Environment.GetEnvironmentVariable(ConnectionResolver.UrlEnv);
            if (Server != null) apiBase = ConnectionResolver.ApiBaseFrom(Server, isFullBase: false)!;
            else if (!string.IsNullOrWhiteSpace(envUrl)) apiBase = ConnectionResolver.ApiBaseFrom(envUrl, isFullBase: true)!;
            else apiBase = ConnectionResolver.ApiBaseFrom(ConnectionResolver.DefaultServer, false)!;
            ConnectionResolver.CheckSecure(apiBase, AllowInsecure);

            // checked before anything is written
            var owners = OwnerNumber == null ? null : ClawdTalk.Bridge.GatewaySettings.CheckedNumbers(OwnerNumber, "-OwnerNumber").OrderBy(n => n, StringComparer.Ordinal).ToArray();
            var connection = new ClawdTalkConnection(apiBase, key, source)
            {
                AttemptTimeout = TimeSpan.FromSeconds(TimeoutSec),
                MaxRetries = MaxRetryCount,
            };
            if (Persist && ShouldProcess(ModulePaths.ConfigFile, "Save the API key and server to the configuration file"))
            {
                var server = Server != null ? apiBase.AbsoluteUri.TrimEnd('/') : null;
                if (server != null && server.EndsWith("/v1", StringComparison.OrdinalIgnoreCase)) server = server.Substring(0, server.Length - 3);
                ConfigStore.Update(ModulePaths.ConfigFile, c =>
                {
                    c[ConfigKeys.ApiKey] = key;
                    if (server != null) c[ConfigKeys.Server] = server;
                });
            }
            if (owners != null && ShouldProcess(ModulePaths.ConfigFile, "Save the owner's numbers (owner_numbers) to the configuration file"))
                ConfigStore.Update(ModulePaths.ConfigFile, c =>
                {
                    c[ConfigKeys.OwnerNumbers] = new Newtonsoft.Json.Linq.JArray(owners);
                    c.Remove(ClawdTalk.Bridge.GatewaySettings.SmsAllowlistKey);
                });
            else if (Persist && owners == null && ClawdTalk.Bridge.GatewaySettings.ConfigOwnerNumbers(ConfigStore.Read(ModulePaths.ConfigFile)).Length == 0)
                WriteWarning("No owner number is configured: texts coming in to the agent through a bridge are routed only from the owner's numbers, so they would reach nobody (calls and texts you send are not affected). " +
                             "Give them with -OwnerNumber or Set-ClawdTalkConfiguration -OwnerNumber.");
            Session.Explicit = connection;
            Session.AttemptTimeout = connection.AttemptTimeout;
            Session.MaxRetries = connection.MaxRetries;
            WriteVerbose($"Connected to {apiBase} with the key from {source} ({connection.MaskedKey}).");
            if (PassThru)
                WriteObject(new ConnectionInfo
                {
                    Server = apiBase.GetLeftPart(UriPartial.Authority), ApiBase = apiBase, KeySource = source, ApiKey = connection.MaskedKey,
                    RequestTimeout = connection.AttemptTimeout, MaxRetryCount = connection.MaxRetries, Persisted = Persist,
                });
        }

        string FromSecretVault()
        {
            var available = InvokeCommand.InvokeScript("Get-Command -Name Get-Secret -ErrorAction Ignore");
            if (available.Count == 0)
                throw Errors.Terminating(ErrorIds.SecretManagementNotAvailable, ErrorCategory.NotInstalled,
                    "-Vault needs the Microsoft.PowerShell.SecretManagement module, which is not installed.");
            var result = InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($v, $n) Get-Secret -Vault $v -Name $n -ErrorAction Stop"), null, Vault, SecretName);
            var value = result.FirstOrDefault()?.BaseObject;
            return value switch
            {
                SecureString s => SecureText.ToPlain(s),
                string s => s,
                _ => throw Errors.Terminating(ErrorIds.SecretNotFound, ErrorCategory.ObjectNotFound, $"The vault '{Vault}' has no text secret named '{SecretName}'.", SecretName),
            };
        }
    }
}
