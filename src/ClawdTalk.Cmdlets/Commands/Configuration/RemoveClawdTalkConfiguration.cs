using System.Security;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Configuration
{
    /// <summary>Removes keys from the configuration file, or the whole file.</summary>
    [Cmdlet(VerbsCommon.Remove, "ClawdTalkConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveClawdTalkConfigurationCommand : ClawdTalkCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completers.ConfigKeyCompleter))]
        public string[]? Name { get; set; }

        [Parameter] [ValidateNotNullOrEmpty] public string? Path { get; set; }
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            var path = GetClawdTalkConfigurationCommand.ResolvePath(this, Path);
            if (Name == null)
            {
                if (File.Exists(path) && Confirmed(Force, path, "Remove the ClawdTalk configuration file")) File.Delete(path);
                return;
            }
            var keys = Name.Select(n => ConfigKeys.Normalize(n) ?? n).ToArray();
            ConfigStore.Read(path); // an invalid file is reported, not rewritten
            if (!File.Exists(path) || !Confirmed(Force, path, "Remove " + string.Join(", ", keys))) return;
            // owner_numbers and the older sms_allowlist are one list: removing one removes both
            ConfigStore.Update(path, c => { foreach (var k in keys) { c.Remove(k); if (k == ConfigKeys.OwnerNumbers) c.Remove(ClawdTalk.Bridge.GatewaySettings.SmsAllowlistKey); } });
        }
    }
}
