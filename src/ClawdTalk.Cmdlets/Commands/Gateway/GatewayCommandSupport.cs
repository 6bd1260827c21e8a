using ClawdTalk.Config;
using ClawdTalk.Gateway;
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
}
