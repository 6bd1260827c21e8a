using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Config;
using ClawdTalk.GatewaySetup;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Gateway
{
    /// <summary>Shared by the gateway cmdlets: which gateway config file, and the ClawdTalk configuration beside it.</summary>
    internal static class GatewayCommandSupport
    {
        /// <summary>-Path resolved against the current location; else $OPENCLAW_CONFIG_PATH; else the first gateway config that exists in the home folder.</summary>
        public static string ConfigPath(PSCmdlet cmdlet, string? path) =>
            path != null ? cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)
                : GatewayConfigFile.Locate();

        /// <summary>The ClawdTalk configuration, or null (with a problem noted) when it cannot be read.</summary>
        public static JObject? ClawdConfig(string path, List<string> problems)
        {
            try { return ConfigStore.Read(path); }
            catch (ClawdTalkException ex)
            {
                problems.Add("The ClawdTalk configuration cannot be read: " + ex.Message);
                return null;
            }
        }

        /// <summary>Reads the gateway and, unless offline, checks that it answers.</summary>
        public static GatewayInfo Inspect(ClawdTalkCmdlet cmdlet, string configPath, bool mustExist, bool offline, List<string> problems)
        {
            GatewayConfigFile? file = null;
            if (File.Exists(configPath)) file = GatewayConfigFile.Load(configPath);
            else if (mustExist) throw GatewayConfigFile.NotFound(configPath);
            var clawdPath = ModulePaths.ConfigFile;
            var info = GatewayInspector.Describe(configPath, file, ClawdConfig(clawdPath, problems), clawdPath, problems);
            if (!offline) cmdlet.Run(ct => GatewayInspector.Probe(info, problems, ct));
            info.Problems = problems.ToArray();
            return info;
        }
    }

    /// <summary>
    /// The gateway side of the setup (the published setup.sh / status.sh checks): the gateway's config file, port, token
    /// (present or not), main agent and workspace, whether `sessions_send` is allowed, whether the gateway answers, and
    /// the owner's and agent's names from the workspace.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkGateway")]
    [OutputType(typeof(GatewayInfo))]
    public sealed class GetClawdTalkGatewayCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        [Parameter]
        public SwitchParameter Offline { get; set; }

        protected override void Process()
        {
            var path = GatewayCommandSupport.ConfigPath(this, Path);
            var info = GatewayCommandSupport.Inspect(this, path, mustExist: Path != null, offline: Offline, new List<string>());
            WriteVerbose(info.ConfigFound ? $"Read the {info.Kind} config {info.ConfigPath}." : $"No gateway config at {info.ConfigPath}.");
            WriteObject(info);
        }
    }

    /// <summary>
    /// Adds a tool (by default `sessions_send`, which the bridge needs) to `gateway.tools.allow` in the gateway's config,
    /// never to the top-level `tools.allow` (which would restrict the agent). The file is changed by one small insertion:
    /// every other key, the order, indentation, comments and line endings stay as they were; a backup copy is written first.
    /// </summary>
    [Cmdlet(VerbsSecurity.Grant, "ClawdTalkGatewayTool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(GatewayToolGrant))]
    public sealed class GrantClawdTalkGatewayToolCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ValidatePattern(@"^[A-Za-z0-9_.:*-]+$")]
        [ArgumentCompleter(typeof(Completers.GatewayToolCompleter))]
        public string[] Tool { get; set; } = { GatewayConfigFile.SessionsSend };

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var path = GatewayCommandSupport.ConfigPath(this, Path);
            if (!File.Exists(path)) throw GatewayConfigFile.NotFound(path);
            var original = GatewayConfigFile.Load(path);
            var current = original;
            var added = new List<string>();
            foreach (var tool in Tool.Distinct(StringComparer.Ordinal))
            {
                var text = current.WithGatewayTool(tool);
                if (text == null) { WriteVerbose($"'{tool}' is already in gateway.tools.allow of {path}."); continue; }
                current = current.WithText(text);
                added.Add(tool);
            }
            if (original.TopLevelAllow.Contains(GatewayConfigFile.SessionsSend, StringComparer.Ordinal))
                WriteWarning($"The top-level tools.allow of {path} lists sessions_send, which limits the agent to the tools listed there. It was left as it is; remove it by hand unless you meant to restrict the agent.");

            var result = new GatewayToolGrant { ConfigPath = path, Tool = string.Join(",", Tool), Changed = false, GatewayToolsAllow = current.GatewayAllow.ToArray() };
            if (added.Count == 0)
            {
                WriteObject(result);
                return;
            }
            var what = string.Join(", ", added.Select(t => "'" + t + "'"));
            if (!Confirmed(Force, path, $"Add {what} to gateway.tools.allow (a backup is written first)")) return;
            result.BackupPath = original.Backup();
            WriteVerbose($"Backed up {path} to {result.BackupPath}.");
            try { original.WriteOver(original.Text, current.Text); }
            catch (ClawdTalkException)
            {
                try { File.Delete(result.BackupPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
            result.Changed = true;
            WriteVerbose($"Added {what} to gateway.tools.allow in {path}. If the gateway does not pick the change up by itself, restart it (openclaw gateway restart).");
            WriteObject(result);
        }
    }

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
