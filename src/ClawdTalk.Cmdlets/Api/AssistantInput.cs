using System.Collections;
using ClawdTalk.Numbers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>The assistant fields users give (tools, features), checked before anything is sent.</summary>
    internal static class AssistantInput
    {
        public static readonly string[] ToolTypes = { "hangup", "send_dtmf", "webhook", "transfer", "handoff", "retrieval", "refer", "send_message" };
        public static readonly string[] Features = { "telephony", "messaging" };
        public const string DefaultHangup = "Hang up the call when the conversation is finished.";

        /// <summary>
        /// The tools to send: the published defaults (hang-up, DTMF) unless <paramref name="noDefaults"/>, then transfer
        /// targets, then each -Tool. A tool is a type name ('hangup'), a hashtable or object with a Type (its other keys become
        /// the type's settings when it has no key named after its type), or JSON. InvalidAssistantTool otherwise.
        /// </summary>
        public static JArray Tools(object[]? tools, bool noDefaults, string? hangupDescription, string[]? transferTo)
        {
            var list = new JArray();
            if (!noDefaults)
            {
                list.Add(new JObject { ["type"] = "hangup", ["hangup"] = new JObject { ["description"] = hangupDescription ?? DefaultHangup } });
                list.Add(new JObject { ["type"] = "send_dtmf", ["send_dtmf"] = new JObject() });
            }
            else if (hangupDescription != null)
                list.Add(new JObject { ["type"] = "hangup", ["hangup"] = new JObject { ["description"] = hangupDescription } });
            if (transferTo != null && transferTo.Length > 0)
            {
                var targets = new JArray();
                foreach (var t in transferTo)
                {
                    var e164 = E164.Normalize(t, "transfer number");
                    targets.Add(new JObject { ["name"] = e164, ["to"] = e164 });
                }
                list.Add(new JObject { ["type"] = "transfer", ["transfer"] = new JObject { ["targets"] = targets } });
            }
            foreach (var raw in tools ?? Array.Empty<object>())
            {
                var tool = Tool(raw);
                var type = (string)tool["type"]!;
                // a -Tool of a default type replaces the default one
                foreach (var same in list.OfType<JObject>().Where(x => (string?)x["type"] == type && (type == "hangup" || type == "send_dtmf")).ToList()) same.Remove();
                list.Add(tool);
            }
            return list;
        }

        public static JObject Tool(object? raw)
        {
            var v = raw is PSObject p && !(p.BaseObject is PSCustomObject) ? p.BaseObject : raw;
            JObject o;
            switch (v)
            {
                case null: throw Errors.Invalid(ErrorIds.InvalidAssistantTool, "A tool is empty ($null).");
                case string s when UserInput.LooksLikeJson(s):
                    o = Json.ParseUserJson(s, "The tool", ErrorIds.InvalidAssistantTool) as JObject ?? throw Errors.Invalid(ErrorIds.InvalidAssistantTool, "A tool in JSON must be an object with a type.", s);
                    break;
                case string s:
                    o = new JObject { ["type"] = s.Trim().ToLowerInvariant() };
                    break;
                case IDictionary _:
                case PSObject _:
                    o = Json.FromPowerShell(v) as JObject ?? new JObject();
                    break;
                default:
                    throw Errors.Invalid(ErrorIds.InvalidAssistantTool, $"A tool must be a type name, a hashtable with a Type, or JSON; got {v.GetType().Name}.", v);
            }
            // keys are case-insensitive for PowerShell users: Type → type
            var typeProp = o.Properties().FirstOrDefault(x => string.Equals(x.Name, "type", StringComparison.OrdinalIgnoreCase));
            var type = typeProp?.Value.Type == JTokenType.String ? ((string?)typeProp.Value ?? "").Trim().ToLowerInvariant() : "";
            if (!ToolTypes.Contains(type))
                throw Errors.Invalid(ErrorIds.InvalidAssistantTool, $"The tool type '{type}' is not one of {string.Join(", ", ToolTypes)}.", type);
            typeProp!.Remove();
            var settings = o.Properties().FirstOrDefault(x => string.Equals(x.Name, type, StringComparison.OrdinalIgnoreCase));
            JObject result;
            if (settings != null) { settings.Remove(); result = new JObject { ["type"] = type, [type] = settings.Value }; foreach (var rest in o.Properties().ToList()) result[rest.Name] = rest.Value; }
            else
            {
                var inner = new JObject();
                foreach (var x in o.Properties().ToList()) inner[SnakeCase(x.Name)] = x.Value;
                if (type == "hangup" && inner["description"] == null) inner["description"] = DefaultHangup;
                result = new JObject { ["type"] = type, [type] = inner };
            }
            return result;
        }

        static string SnakeCase(string name)
        {
            if (name.Contains("_") || name.ToLowerInvariant() == name) return name;
            var chars = new List<char>();
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (char.IsUpper(c) && i > 0 && !char.IsUpper(name[i - 1])) chars.Add('_');
                chars.Add(char.ToLowerInvariant(c));
            }
            return new string(chars.ToArray());
        }

        public static JArray FeatureList(string[] features)
        {
            var seen = new List<string>();
            foreach (var f in features)
            {
                var n = (f ?? "").Trim().ToLowerInvariant();
                if (!Features.Contains(n)) throw Errors.Invalid(ErrorIds.InvalidAssistantFeature, $"The feature '{f}' is not one of {string.Join(", ", Features)}.", f);
                if (!seen.Contains(n)) seen.Add(n);
            }
            return new JArray(seen.Cast<object>().ToArray());
        }

        public static void CheckText(string? value, string what, int max)
        {
            if (value != null && value.Length > max)
                throw Errors.Invalid(ErrorIds.AssistantFieldTooLong, $"{what} has {value.Length.ToString(CultureInfo.InvariantCulture)} characters; at most {max} are accepted.", what);
        }
    }
}

namespace ClawdTalk.Api
{
    /// <summary>
    /// The fields of an assistant to create or change, as the service takes them: a request body built from the cmdlets'
    /// typed input (tools and features checked by <see cref="AssistantInput"/>), so no cmdlet builds JSON.
    /// </summary>
    internal sealed class AssistantFields
    {
        internal AssistantFields(JObject body) => Body = body;
        public AssistantFields() : this(new JObject()) { }

        internal JObject Body { get; }

        /// <summary>Sets a field to a text (null is sent as JSON null).</summary>
        public AssistantFields Text(string field, string? value) { Body[field] = value; return this; }

        /// <summary>Sets a field to any PowerShell value (hashtable, object, array, scalar), as JSON.</summary>
        public AssistantFields Value(string field, object? value) { Body[field] = Json.FromPowerShell(value); return this; }

        /// <summary>The tools (<see cref="AssistantInput.Tools"/>).</summary>
        public AssistantFields Tools(object[]? tools, bool noDefaults, string? hangupDescription, string[]? transferTo)
        {
            Body["tools"] = AssistantInput.Tools(tools, noDefaults, hangupDescription, transferTo);
            return this;
        }

        /// <summary>The enabled features (<see cref="AssistantInput.FeatureList"/>).</summary>
        public AssistantFields Features(string[] features) { Body["enabled_features"] = AssistantInput.FeatureList(features); return this; }

        /// <summary>The fields set, in order.</summary>
        public IReadOnlyList<string> Names => Body.Properties().Select(p => p.Name).ToList();

        /// <summary>The types of the tools set, in order.</summary>
        public IEnumerable<string?> ToolTypes => (Body["tools"] as JArray ?? new JArray()).Select(t => (string?)t["type"]);
    }
}
