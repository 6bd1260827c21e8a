using System.Diagnostics;
using System.Text.RegularExpressions;
using ClawdTalk.Boundary;
using ClawdTalk.Bridge;
using ClawdTalk.Config;
using ClawdTalk.IO;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Skill
{
    /// <summary>One key of the published client's configuration: what taking it over does.</summary>
    internal sealed class ConfigTakeover
    {
        public string Key = "";
        /// <summary>What is written to this configuration (only for <see cref="SkillAction.TakenOver"/>).</summary>
        public JToken? Value;
        public SkillAction Action;
        public string Detail = "";
    }

    /// <summary>
    /// The published client 2.0.6 installed as a skill (`&lt;workspace&gt;/skills/clawdtalk-client/`): its `skill-config.json`
    /// (the key or a `${VAR}` reference, server, owner and agent names, greeting, gateway settings, owner numbers under
    /// `owner_numbers` or the older `sms_allowlist`, and any other key the user added), its `.missions_state.json` (the
    /// working directory's: the skill folder, where its SETUP.md runs it), and its bridge's `.connect.pid`.
    /// A takeover never changes a value this configuration already has (the user's): it is kept, and said.
    /// </summary>
    internal static class PublishedClient
    {
        public const string ConfigFile = "skill-config.json", StateFile = ".missions_state.json", PidFile = ".connect.pid";

        /// <summary>What the published setup writes when no key was given, and the sample's placeholder.</summary>
        static readonly string[] KeyPlaceholders = { "YOUR_API_KEY_HERE", "your-api-key", "cc_live_...", "<the_key>" };

        static readonly Regex AgentIdPattern = new Regex("^[A-Za-z0-9_.-]+$", RegexOptions.Compiled);

        /// <summary>True when <paramref name="folder"/> holds a published client's files.</summary>
        public static bool Looks(string folder) =>
            File.Exists(Path.Combine(folder, ConfigFile)) || File.Exists(Path.Combine(folder, StateFile)) || File.Exists(Path.Combine(folder, "scripts", "telnyx_api.py"));

        /// <summary>
        /// What taking over <paramref name="theirs"/> into <paramref name="ours"/> does, key by key (keys without a value
        /// give nothing). A value that fails its check is left out with an error in <paramref name="errors"/>.
        /// </summary>
        public static List<ConfigTakeover> PlanConfig(JObject theirs, JObject ours, string theirsPath, List<ClawdTalkException> errors)
        {
            var plan = new List<ConfigTakeover>();
            var numbersDone = false;
            foreach (var p in theirs.Properties())
            {
                if (p.Value.Type == JTokenType.Null) continue;
                if (p.Name == ConfigKeys.OwnerNumbers || p.Name == GatewaySettings.SmsAllowlistKey)
                {
                    if (numbersDone) continue;
                    numbersDone = true;
                    var n = OwnerNumbers(theirs, ours, theirsPath, errors);
                    if (n != null) plan.Add(n);
                    continue;
                }
                JToken value;
                try { value = Checked(p.Name, p.Value, theirsPath); }
                catch (ClawdTalkException ex)
                {
                    errors.Add(ex);
                    plan.Add(new ConfigTakeover { Key = p.Name, Action = SkillAction.Skipped, Detail = $"not taken over: {ex.Message}" });
                    continue;
                }
                if (p.Name == ConfigKeys.ApiKey && (value.Type != JTokenType.String || KeyPlaceholders.Contains((string)value!, StringComparer.OrdinalIgnoreCase) || ((string)value!).Length == 0))
                {
                    plan.Add(new ConfigTakeover { Key = p.Name, Action = SkillAction.Skipped, Detail = "the published client has no key (a placeholder)" });
                    continue;
                }
                var mine = ours[p.Name];
                var shown = Shown(p.Name, value);
                if (mine == null || mine.Type == JTokenType.Null)
                    plan.Add(new ConfigTakeover { Key = p.Name, Value = value, Action = SkillAction.TakenOver, Detail = shown });
                else if (JToken.DeepEquals(mine, value))
                    plan.Add(new ConfigTakeover { Key = p.Name, Action = SkillAction.Unchanged, Detail = shown });
                else
                    plan.Add(new ConfigTakeover { Key = p.Name, Action = SkillAction.Kept, Detail = $"kept {Shown(p.Name, mine)}; the published client has {shown}" });
            }
            return plan;
        }

        /// <summary>A value as it may be shown: secrets masked (a `${VAR}` reference is not a secret), long texts cut.</summary>
        static string Shown(string key, JToken value)
        {
            var text = value.Type == JTokenType.String ? (string)value! : value.ToString(Newtonsoft.Json.Formatting.None);
            if (ConfigKeys.IsSecret(key) && !ConfigStore.IsReference(text, out _)) return Secrets.Mask(text);
            text = OutsideText.Visible(text);
            return text.Length > 60 ? text.Substring(0, 60) + "…" : text;
        }

        /// <summary>Checks one value by the rules Set-ClawdTalkConfiguration applies to it; returns what to write.</summary>
        static JToken Checked(string key, JToken value, string path)
        {
            var what = $"'{key}' of {path}";
            string Text()
            {
                if (value.Type != JTokenType.String) throw Errors.Invalid(ErrorIds.InvalidConfiguration, $"{what} is not text.", key);
                return OutsideText.Clean((string)value!, what);
            }
            switch (key)
            {
                case ConfigKeys.ApiKey:
                case ConfigKeys.GatewayToken:
                {
                    var s = Text();
                    if (s.Length > 0 && !ConfigStore.IsReference(s, out _) && !Config.SecureText.IsPlausibleSecret(s))
                        throw Errors.Invalid(key == ConfigKeys.ApiKey ? ErrorIds.InvalidApiKey : ErrorIds.InvalidGatewayToken, $"{what} contains spaces or control characters.", key);
                    return s;
                }
                case ConfigKeys.Server:
                case ConfigKeys.GatewayUrl:
                {
                    var s = Text();
                    return ConfigStore.IsReference(s, out _) ? s : ConnectionResolver.ParseServer(s).AbsoluteUri.TrimEnd('/');
                }
                case ConfigKeys.AgentId:
                {
                    var s = Text();
                    if (!ConfigStore.IsReference(s, out _) && !AgentIdPattern.IsMatch(s)) throw Errors.Invalid(ErrorIds.InvalidConfiguration, $"{what} is not an agent id.", key);
                    return s;
                }
                case ConfigKeys.OwnerName:
                case ConfigKeys.AgentName:
                case ConfigKeys.Greeting:
                {
                    var s = Text();
                    if (s.Length > 200) throw Errors.Invalid(ErrorIds.TextTooLong, $"{what} is longer than 200 characters.", key);
                    return s;
                }
                case ConfigKeys.MaxConversationTurns:
                {
                    var n = value.Type == JTokenType.Integer ? (long)value : value.Type == JTokenType.String && long.TryParse((string)value!, out var v) ? v : -1;
                    if (n < 1 || n > 1000) throw Errors.Invalid(ErrorIds.InvalidConfiguration, $"{what} must be a number from 1 to 1000.", key);
                    return (int)n;
                }
                default:
                    // a key of the user's own (the bridge reads some: voice_context, approval_timeout_seconds…): kept as written,
                    // when every text in it is clean
                    foreach (var s in (value is JContainer c ? c.DescendantsAndSelf() : new[] { value }).OfType<JValue>().Where(v => v.Type == JTokenType.String).Select(v => (string)v!))
                        OutsideText.Clean(s, what);
                    return value.DeepClone();
            }
        }

        /// <summary>The owner's numbers: `owner_numbers` and the older `sms_allowlist` of the published config, into `owner_numbers`.</summary>
        static ConfigTakeover? OwnerNumbers(JObject theirs, JObject ours, string path, List<ClawdTalkException> errors)
        {
            HashSet<string> numbers;
            try { numbers = GatewaySettings.CheckedNumbers(GatewaySettings.ConfigOwnerNumbers(theirs), $"the owner numbers of {path}"); }
            catch (ClawdTalkException ex)
            {
                ex.Terminating = false;
                errors.Add(ex);
                return new ConfigTakeover { Key = ConfigKeys.OwnerNumbers, Action = SkillAction.Skipped, Detail = "not taken over: " + ex.Message };
            }
            if (numbers.Count == 0) return null;
            var sorted = numbers.OrderBy(n => n, StringComparer.Ordinal).ToArray();
            var mine = GatewaySettings.ConfigOwnerNumbers(ours).Select(n => PhoneText.Normalize(n) ?? n).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
            var shown = string.Join(", ", sorted);
            if (mine.Length == 0) return new ConfigTakeover { Key = ConfigKeys.OwnerNumbers, Value = new JArray(sorted), Action = SkillAction.TakenOver, Detail = shown };
            if (mine.SequenceEqual(sorted)) return new ConfigTakeover { Key = ConfigKeys.OwnerNumbers, Action = SkillAction.Unchanged, Detail = shown };
            return new ConfigTakeover { Key = ConfigKeys.OwnerNumbers, Action = SkillAction.Kept, Detail = $"kept {string.Join(", ", mine)}; the published client has {shown}" };
        }

        /// <summary>The process id of the published client's bridge (`node ws-client.js`), when its pid file names a live process.</summary>
        public static int? RunningBridge(string folder)
        {
            try
            {
                var text = Links.ReadText(Path.Combine(folder, PidFile), 64, "The published client's pid file")?.Trim();
                if (!int.TryParse(text, out var pid) || pid <= 0) return null;
                using var process = Process.GetProcessById(pid);
                return process.HasExited ? (int?)null : pid;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is IOException || ex is UnauthorizedAccessException || ex is ClawdTalkException) { return null; }
        }
    }
}
