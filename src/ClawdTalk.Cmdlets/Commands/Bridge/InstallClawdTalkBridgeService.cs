using System.Security;
using ClawdTalk.Bridge;
using ClawdTalk.Config;
using ClawdTalk.Pollers;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>
    /// Registers the bridge with the platform's service manager so that it runs without a session, starts at login and
    /// is restarted when it fails: a systemd user unit (Linux), a launchd agent (macOS), a Scheduled Task at logon
    /// (Windows). The unit runs pwsh (or the clawdtalk host) with `Start-ClawdTalkBridge -Wait`; the key and gateway
    /// token come from the configuration or from an environment file only the user can read, never from the unit.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Install, "ClawdTalkBridgeService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BridgeServiceInfo))]
    public sealed class InstallClawdTalkBridgeServiceCommand : BridgeServiceCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Executable { get; set; }

        [Parameter]
        public SecureString? GatewayToken { get; set; }

        [Parameter]
        public SwitchParameter NoStart { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var platform = ResolvePlatform();
            var connection = ConnectionResolver.Resolve(Session);
            var envFile = BridgeServiceInstaller.EnvironmentFilePath(Name);
            var env = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>(ConnectionResolver.UrlEnv, connection.ApiBase.AbsoluteUri) };
            if (!connection.KeySource.StartsWith("config", StringComparison.Ordinal))
            {
                env.Add(new KeyValuePair<string, string>(ConnectionResolver.KeyEnv, connection.ApiKey));
                WriteWarning($"The API key comes from {connection.KeySource}, not the configuration file: it is written to {envFile}, readable by you only.");
            }
            if (GatewayToken != null) env.Add(new KeyValuePair<string, string>(BridgeLaunchSpec.GatewayTokenEnv, SecureText.ToPlain(GatewayToken)));
            foreach (var name in GatewaySettings.UrlEnv)
                if (Environment.GetEnvironmentVariable(name) is string v && v.Length > 0) env.Add(new KeyValuePair<string, string>(name, v));
            if (GatewayToken == null)
                foreach (var name in GatewaySettings.TokenEnv)
                    if (Environment.GetEnvironmentVariable(name) is string v && v.Length > 0) env.Add(new KeyValuePair<string, string>(name, v));

            var start = $"-Name {CommandLine.QuotePs(Name)} -RunMode Service -EnvironmentFile {CommandLine.QuotePs(envFile)}";
            var spec = BridgeLaunchSpec.For(Executable == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Executable), Pollers.PollerSupport.ModuleBase(MyInvocation.MyCommand.Module), start);
            var definition = BridgeServiceDefinition.For(Name, spec, BridgeServiceInstaller.WorkingDirectory,
                BridgeFiles.Console(BridgeLock.KeyHash(connection.ApiKey)), BridgeServiceInstaller.CurrentUserId());
            var directory = ResolveUnitDirectory(platform);
            var unitPath = Path.Combine(directory, BridgeServiceInstaller.UnitFileName(definition, platform));
            if (File.Exists(unitPath) && !Force)
                throw Errors.Terminating(ErrorIds.BridgeServiceExists, ErrorCategory.ResourceExists,
                    $"{unitPath} exists already: the bridge '{Name}' is installed. Add -Force to write it again, or Uninstall-ClawdTalkBridgeService first.", unitPath);
            if (!ShouldProcess(unitPath, $"Install the ClawdTalk bridge '{Name}' as a {platform} service{(NoStart ? "" : " and start it")}")) return;
            var info = new BridgeServiceInstaller().Install(definition, platform, directory, envFile, env, start: !NoStart);
            if (!NoStart && !info.Registered) WriteWarning(info.Message);
            else WriteVerbose(info.Message ?? "");
            WriteObject(info);
        }
    }
}
