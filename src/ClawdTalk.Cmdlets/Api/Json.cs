using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Api
{
    /// <summary>JSON reading that keeps strings as strings (no date guessing) and tolerates the contract's envelopes.</summary>
    internal static class Json
    {
        public static JToken Parse(string text)
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double, MaxDepth = 128 };
            var token = JToken.ReadFrom(reader);
            while (reader.Read())
                if (reader.TokenType != JsonToken.Comment) throw new JsonReaderException("Additional text after the JSON value.");
            return token;
        }

        /// <summary>
        /// A service's answer: <see cref="Parse"/>, then every text value made visible (Boundary/OutsideText), so what the
        /// service says reaches views, messages, files and reports as data, whatever characters it holds.
        /// </summary>
        public static JToken ParseOutside(string text)
        {
            var token = Parse(text);
            var values = token is JContainer c ? c.DescendantsAndSelf().OfType<JValue>() : new[] { (JValue)token };
            foreach (var v in values)
                if (v.Type == JTokenType.String && v.Value is string s)
                {
                    var shown = Boundary.OutsideText.Visible(s);
                    if (!ReferenceEquals(shown, s)) v.Value = shown;
                }
            return token;
        }

        /// <summary>
        /// Returns the object inside the first envelope key present (`{"mission":{…}}`, `{"data":{…}}`), else the value
        /// itself when it is an object.
        /// </summary>
        public static JObject? Unwrap(JToken? token, params string[] keys)
        {
            if (!(token is JObject o)) return null;
            foreach (var k in keys)
                if (o[k] is JObject inner) return inner;
            if (o["data"] is JObject data) return data;
            return o;
        }

        /// <summary>Returns the array inside the first envelope key present (`{"missions":[…]}`, `{"data":[…]}`) or the array itself.</summary>
        public static IReadOnlyList<JObject> UnwrapList(JToken? token, params string[] keys)
        {
            JToken? list = null;
            if (token is JArray) list = token;
            else if (token is JObject o)
            {
                foreach (var k in keys)
                    if (o[k] is JArray a) { list = a; break; }
                if (list == null && o["data"] is JArray d) list = d;
                if (list == null && o["data"] is JObject dobj)
                    foreach (var k in keys)
                        if (dobj[k] is JArray a2) { list = a2; break; }
            }
            return list == null ? Array.Empty<JObject>() : list.OfType<JObject>().ToList();
        }

        /// <summary>The first non-empty string among the keys (e.g. `id` or `mission_id`).</summary>
        public static string? Str(JObject? o, params string[] keys)
        {
            if (o == null) return null;
            foreach (var k in keys)
            {
                var t = o[k];
                if (t == null || t.Type == JTokenType.Null) continue;
                var s = t.Type == JTokenType.String ? (string?)t : t.ToString(Formatting.None);
                if (!string.IsNullOrEmpty(s)) return s;
            }
            return null;
        }

        public static int? Int(JObject? o, params string[] keys)
        {
            var s = Str(o, keys);
            return s != null && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null;
        }

        public static double? Double(JObject? o, params string[] keys)
        {
            var s = Str(o, keys);
            return s != null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null;
        }

        public static bool? Bool(JObject? o, params string[] keys)
        {
            var s = Str(o, keys);
            return s == null ? (bool?)null : s.Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        public static DateTimeOffset? Date(JObject? o, params string[] keys)
        {
            var s = Str(o, keys);
            return s != null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : (DateTimeOffset?)null;
        }

        /// <summary>
        /// Turns JSON into what PowerShell users expect: PSObjects with note properties, object[] for arrays. Texts come out
        /// with control characters made visible: these objects are what views and scripts show (Raw, Memory).
        /// </summary>
        public static object? ToPowerShell(JToken? token)
        {
            switch (token)
            {
                case null: return null;
                case JObject o:
                    var ps = new PSObject();
                    foreach (var p in o.Properties())
                    {
                        var name = Boundary.OutsideText.Visible(p.Name);
                        if (ps.Properties[name] == null) ps.Properties.Add(new PSNoteProperty(name, ToPowerShell(p.Value)));
                    }
                    return ps;
                case JArray a: return a.Select(ToPowerShell).ToArray();
                case JValue v:
                    switch (v.Type)
                    {
                        case JTokenType.Null:
                        case JTokenType.Undefined: return null;
                        case JTokenType.String: return v.Value is string s ? Boundary.OutsideText.Visible(s) : v.Value;
                        case JTokenType.Integer: return v.Value is long l && l >= int.MinValue && l <= int.MaxValue ? (object)(int)l : v.Value;
                        default: return v.Value;
                    }
                default: return token.ToString();
            }
        }

        /// <summary>Turns a PowerShell value (hashtable, PSObject, array, scalar) into JSON, for bodies, payloads and memory.</summary>
        public static JToken FromPowerShell(object? value, int depth = 0)
        {
            if (depth > 64) throw new ClawdTalkException(ErrorIds.ValueTooDeep, ErrorCategory.InvalidArgument, "The value is nested more than 64 levels deep.");
            if (value is PSObject pso && !(pso.BaseObject is PSCustomObject)) value = pso.BaseObject;
            switch (value)
            {
                case null: return JValue.CreateNull();
                case JToken t: return t.DeepClone();
                case string s: return new JValue(s);
                case bool b: return new JValue(b);
                case char c: return new JValue(c.ToString());
                case DateTime dt: return new JValue(dt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                case DateTimeOffset dto: return new JValue(dto.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                case Enum e: return new JValue(e.ToString());
                case sbyte _: case byte _: case short _: case ushort _: case int _: case uint _: case long _: case ulong _:
                    return new JValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                case float _: case double _: case decimal _:
                    return new JValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case System.Collections.IDictionary d:
                    var o = new JObject();
                    foreach (System.Collections.DictionaryEntry kv in d) o[Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? ""] = FromPowerShell(kv.Value, depth + 1);
                    return o;
                case PSObject ps:
                    var po = new JObject();
                    foreach (var p in ps.Properties) po[p.Name] = FromPowerShell(SafeValue(p), depth + 1);
                    return po;
                case System.Collections.IEnumerable en:
                    var arr = new JArray();
                    foreach (var item in en) arr.Add(FromPowerShell(item, depth + 1));
                    return arr;
                default:
                    var wrapped = PSObject.AsPSObject(value);
                    var jo = new JObject();
                    foreach (var p in wrapped.Properties) jo[p.Name] = FromPowerShell(SafeValue(p), depth + 1);
                    return jo;
            }
        }

        static object? SafeValue(PSPropertyInfo p)
        {
            try { return p.Value; } catch (Exception) { return null; }
        }

        /// <summary>Parses user-given JSON text (memory values, payloads) with a clear error.</summary>
        public static JToken ParseUserJson(string text, string what, string errorId = ErrorIds.InvalidJson)
        {
            try { return Parse(text); }
            catch (JsonException ex)
            {
                throw new ClawdTalkException(errorId, ErrorCategory.InvalidArgument, $"{what} is not valid JSON: {ex.Message}", text.Length > 80 ? text.Substring(0, 80) + "…" : text);
            }
        }
    }
}
