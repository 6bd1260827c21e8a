using System.Security;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Configuration
{
    /// <summary>Shows the configuration file (the published `skill-config.json` keys), secrets masked.</summary>
    [Cmdlet(VerbsCommon.Get, "ClawdTalkConfiguration")]
    [OutputType(typeof(ClawdTalk.Configuration))]
    public sealed class GetClawdTalkConfigurationCommand : ClawdTalkCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        protected override void Process()
        {
            var path = ResolvePath(this, Path);
            WriteObject(ConfigKeys.Describe(path, File.Exists(path), ConfigStore.Read(path)));
        }

        internal static string ResolvePath(PSCmdlet cmdlet, string? path) =>
            path == null ? ModulePaths.ConfigFile : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }
}
