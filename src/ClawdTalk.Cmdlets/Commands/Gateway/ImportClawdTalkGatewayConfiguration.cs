using ClawdTalk.Config;
using ClawdTalk.Gateway;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Gateway
{
    /// <summary>
    /// Copies what the bridge needs from the gateway's files into the ClawdTalk configuration (the published setup.sh):
    /// the owner's name (USER.md), the agent's name (IDENTITY.md), the main agent id, the gateway URL and, with
    /// -IncludeToken, the gateway token. Values already set are kept unless -Force.
    /// </summary>
    [Cmdlet(VerbsData.Import, "ClawdTalkGatewayConfiguration", SupportsShouldProcess = true)]
    [OutputType(typeof(ClawdTalk.Configuration))]
    public sealed class ImportClawdTalkGatewayConfigurationCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        [Parameter]
        public SwitchParameter IncludeToken { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void Process()
        {
            var path = GatewayCommandSupport.ConfigPath(this, Path);
            if (!File.Exists(path)) throw GatewayConfigFile.NotFound(path);
            var file = GatewayConfigFile.Load(path);
            var clawdPath = ConfigPath == null ? ModulePaths.ConfigFile : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ConfigPath);
            var current = ConfigStore.Read(clawdPath); // an invalid configuration is reported, never overwritten
            var info = GatewayInspector.Describe(path, file, new JObject(), clawdPath, new List<string>());

            var found = new List<(string key, string value, string from)>();
            if (info.DetectedOwnerName != null) found.Add((ConfigKeys.OwnerName, info.DetectedOwnerName, info.OwnerNameSource!));
            else WriteWarning($"No owner name found in {System.IO.Path.Combine(info.Workspace ?? "", WorkspaceNames.UserFile)}; set it with Set-ClawdTalkConfiguration -OwnerName.");
            if (info.DetectedAgentName != null) found.Add((ConfigKeys.AgentName, info.DetectedAgentName, info.AgentNameSource!));
            else WriteWarning($"No agent name found in {System.IO.Path.Combine(info.Workspace ?? "", WorkspaceNames.IdentityFile)}; set it with Set-ClawdTalkConfiguration -AgentName.");
            found.Add((ConfigKeys.AgentId, info.MainAgentId, path));
            found.Add((ConfigKeys.GatewayUrl, $"http://127.0.0.1:{file.Port}", path));
            if (IncludeToken)
            {
                if (string.IsNullOrEmpty(file.TokenRaw)) WriteWarning($"{path} has no gateway.auth.token to copy.");
                else found.Add((ConfigKeys.GatewayToken, file.TokenRaw!, path));
            }

            var changes = new List<(string key, string value, string from)>();
            foreach (var f in found)
            {
                var existing = Json.Str(current, f.key);
                if (existing == f.value) continue;
                if (existing != null && !Force)
                {
                    WriteVerbose($"Kept {f.key} (already set; -Force replaces it).");
                    continue;
                }
                changes.Add(f);
            }
            if (changes.Count > 0 && ShouldProcess(clawdPath, "Set " + string.Join(", ", changes.Select(c => c.key))))
            {
                var updated = ConfigStore.Update(clawdPath, c => { foreach (var ch in changes) c[ch.key] = ch.value; });
                foreach (var ch in changes)
                    WriteVerbose(ConfigKeys.IsSecret(ch.key) ? $"Set {ch.key} from {ch.from}." : $"Set {ch.key} = '{ch.value}' from {ch.from}.");
                if (PassThru) WriteObject(ConfigKeys.Describe(clawdPath, true, updated));
                return;
            }
            if (PassThru) WriteObject(ConfigKeys.Describe(clawdPath, File.Exists(clawdPath), current));
        }
    }
}
