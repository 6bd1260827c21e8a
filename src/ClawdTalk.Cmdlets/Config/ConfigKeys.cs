using Newtonsoft.Json.Linq;

namespace ClawdTalk.Config
{
    /// <summary>The published `skill-config.json` keys and how they show in Get-ClawdTalkConfiguration.</summary>
    internal static class ConfigKeys
    {
        public const string ApiKey = "api_key", Server = "server", OwnerName = "owner_name", AgentName = "agent_name", Greeting = "greeting",
            GatewayUrl = "gateway_url", GatewayToken = "gateway_token", AgentId = "agent_id", MaxConversationTurns = "max_conversation_turns",
            ApprovalWordsAdd = "approval_words_add", ApprovalWordsRemove = "approval_words_remove",
            OwnerNumbers = Bridge.GatewaySettings.OwnerNumbersKey, AllowAnySender = Bridge.GatewaySettings.AllowAnySenderKey, ApprovalMode = Bridge.GatewaySettings.ApprovalModeKey;

        /// <summary>Parameter name → file key.</summary>
        public static readonly IReadOnlyDictionary<string, string> ByParameter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ApiKey"] = ApiKey, ["Server"] = Server, ["OwnerName"] = OwnerName, ["AgentName"] = AgentName, ["Greeting"] = Greeting,
            ["GatewayUrl"] = GatewayUrl, ["GatewayToken"] = GatewayToken, ["AgentId"] = AgentId, ["MaxConversationTurns"] = MaxConversationTurns,
            ["AddApprovalWord"] = ApprovalWordsAdd, ["RemoveApprovalWord"] = ApprovalWordsRemove,
            ["OwnerNumber"] = OwnerNumbers, ["AllowAnySender"] = AllowAnySender, ["ApprovalMode"] = ApprovalMode,
        };

        static readonly HashSet<string> Secret = new HashSet<string>(StringComparer.Ordinal) { ApiKey, GatewayToken };

        public static bool IsSecret(string key) => Secret.Contains(key);

        /// <summary>The file key for a name given either way (`ApiKey` or `api_key`); null when unknown.</summary>
        public static string? Normalize(string name)
        {
            if (ByParameter.TryGetValue(name, out var k)) return k;
            return ByParameter.Values.FirstOrDefault(v => v.Equals(name, StringComparison.OrdinalIgnoreCase));
        }

        public static Configuration Describe(string path, bool exists, JObject o)
        {
            string? Shown(string key)
            {
                var v = Json.Str(o, key);
                if (v == null) return null;
                if (IsSecret(key) && !ConfigStore.IsReference(v, out _)) return Secrets.Mask(v);
                return v;
            }
            return new Configuration
            {
                Path = path, Exists = exists,
                ApiKey = Shown(ApiKey), Server = Shown(Server), OwnerName = Shown(OwnerName), AgentName = Shown(AgentName),
                Greeting = Shown(Greeting), GatewayUrl = Shown(GatewayUrl), GatewayToken = Shown(GatewayToken), AgentId = Shown(AgentId),
                MaxConversationTurns = Json.Int(o, MaxConversationTurns),
                AddApprovalWord = Bridge.GatewaySettings.ConfigList(o, ApprovalWordsAdd), RemoveApprovalWord = Bridge.GatewaySettings.ConfigList(o, ApprovalWordsRemove),
                OwnerNumber = Bridge.GatewaySettings.ConfigOwnerNumbers(o).Select(n => Bridge.PhoneText.Normalize(n) ?? n).Distinct().ToArray(),
                AllowAnySender = Json.Bool(o, AllowAnySender), ApprovalMode = Shown(ApprovalMode),
                OtherKeys = o.Properties().Select(p => p.Name).Where(n => !ByParameter.Values.Contains(n) && n != Bridge.GatewaySettings.SmsAllowlistKey).ToArray(),
            };
        }
    }
}
