using ClawdTalk.Bridge;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>
    /// Removes a bridge registered by Install-ClawdTalkBridgeService: the service manager stops and forgets it, and the
    /// unit and its environment file are deleted. The configuration and the bridge's logs stay.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Uninstall, "ClawdTalkBridgeService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(BridgeServiceInfo))]
    public sealed class UninstallClawdTalkBridgeServiceCommand : BridgeServiceCmdlet
    {
        /// <summary>Only delete the files; do not ask the service manager to stop the service.</summary>
        [Parameter]
        public SwitchParameter NoStop { get; set; }

        /// <summary>Removes it without asking (ConfirmImpact High); -WhatIf still only describes.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var platform = ResolvePlatform();
            var definition = new BridgeServiceDefinition { Name = Name };
            var directory = ResolveUnitDirectory(platform);
            var unitPath = Path.Combine(directory, BridgeServiceInstaller.UnitFileName(definition, platform));
            if (!File.Exists(unitPath))
            {
                WriteError(new Api.ClawdTalkException("BridgeServiceNotFound", ErrorCategory.ObjectNotFound,
                    $"No bridge service named '{Name}' is installed ({unitPath} does not exist).", Name));
                return;
            }
            if (!Confirmed(Force, unitPath, $"Stop and remove the ClawdTalk bridge service '{Name}'")) return;
            var info = new BridgeServiceInstaller().Uninstall(definition, platform, directory, stop: !NoStop);
            if (info.Registered) WriteWarning(info.Message);
            WriteObject(info);
        }
    }
}
