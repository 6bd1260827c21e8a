using ClawdTalk.Config;
using ClawdTalk.Gateway;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Gateway
{
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
}
