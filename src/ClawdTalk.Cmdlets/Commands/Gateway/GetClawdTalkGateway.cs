using ClawdTalk.Config;
using ClawdTalk.Gateway;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Gateway
{
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
}
