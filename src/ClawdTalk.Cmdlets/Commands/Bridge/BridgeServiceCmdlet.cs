using ClawdTalk.Bridge;

namespace ClawdTalk.Commands.Bridge
{
    /// <summary>What Install- and Uninstall-ClawdTalkBridgeService share: which service, for which platform, where its unit lives.</summary>
    public abstract class BridgeServiceCmdlet : ClawdTalkCmdlet
    {
        [Parameter(Position = 0)]
        [ValidatePattern(@"^[\w.-]{1,64}$")]
        public string Name { get; set; } = "ClawdTalkBridge";

        [Parameter]
        public BridgeServicePlatform? Platform { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UnitDirectory { get; set; }

        /// <summary>-Platform, else this machine's service manager.</summary>
        protected BridgeServicePlatform ResolvePlatform() => Platform ?? BridgeServiceInstaller.ForThisMachine();

        /// <summary>-UnitDirectory as a file system path, else where <paramref name="platform"/>'s manager looks for user units.</summary>
        protected string ResolveUnitDirectory(BridgeServicePlatform platform) =>
            UnitDirectory != null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(UnitDirectory) : BridgeServiceInstaller.DefaultUnitDirectory(platform);
    }
}
