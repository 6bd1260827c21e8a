using System.Collections;
using System.Text.RegularExpressions;
using ClawdTalk.Numbers;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.ScheduledEvents
{
    /// <summary>One person or business to call or text, read from what came down the pipeline.</summary>
    internal sealed class EventTarget
    {
        /// <summary>What the user gave, for messages.</summary>
        public string Input = "";
        /// <summary>E.164.</summary>
        public string Phone = "";
        public string? Name;
        /// <summary>The target's other properties (and the entries of a Variables property), for templates and the record.</summary>
        public JObject Variables = new JObject();
        public DateTimeOffset? At;
        public RecipientType? RecipientType;
        public string? TimeZone;
        public string? AssistantId;
        public string? Message;

        public override string ToString() => Name != null ? $"{Phone} ({Name})" : Phone;
    }

    /// <summary>
    /// Reads targets: a text is a phone number; an object (hashtable, PSCustomObject, CSV row) has a phone property
    /// (To, Phone, PhoneNumber, Number, Mobile, MobileNumber, Cell, CellPhone, Telephone, Contact; case, spaces, underscores
    /// and dashes ignored, so a CSV's `Phone Number` or `phone_number` column works) and may carry Name, At/ScheduledAt, RecipientType, TimeZone,
    /// AssistantId, Message, a Variables hashtable; its other properties become variables too.
    /// </summary>
    internal static class Targets
    {
        static readonly string[] PhoneKeys = { "To", "Phone", "PhoneNumber", "Number", "Mobile", "MobileNumber", "Cell", "CellPhone", "Telephone", "Contact" };

        /// <summary>A column name as compared: case, spaces, underscores and dashes ignored (`Phone Number`, `phone_number`, `PhoneNumber`).</summary>
        static string Bare(string name) => new string(name.Where(c => c != ' ' && c != '_' && c != '-').ToArray()).ToLowerInvariant();
        static readonly string[] AtKeys = { "At", "ScheduledAt", "Scheduled_At", "When" };
        static readonly string[] Control = { "Name", "RecipientType", "TimeZone", "AssistantId", "Message", "Text", "Body", "Variables" };

        public static EventTarget Read(object? raw)
        {
            var value = raw is PSObject pso && !(pso.BaseObject is PSCustomObject) ? pso.BaseObject : raw;
            switch (value)
            {
                case null:
                    throw Errors.Invalid(ErrorIds.InvalidTarget, "A target is empty ($null); nothing was scheduled for it.");
                case string s:
                    return new EventTarget { Input = s, Phone = E164.Normalize(s, "target number") };
                case MissionState _:
                    throw Errors.Invalid(ErrorIds.InvalidTarget, "A mission state came where a target was expected: pipe the mission with -To <targets> on the command line, or pipe the targets with -Slug.", raw);
                case ScheduledEvent ev:
                    return FromEvent(ev);
                case IDictionary _:
                case PSObject _:
                    return FromObject(value);
                case ValueType _:
                    return new EventTarget { Input = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", Phone = E164.Normalize(Convert.ToString(value, CultureInfo.InvariantCulture), "target number") };
                default:
                    return FromObject(PSObject.AsPSObject(value));
            }
        }

        static EventTarget FromEvent(ScheduledEvent ev)
        {
            var t = new EventTarget { Input = ev.To ?? "", Phone = E164.Normalize(ev.To, "target number"), Name = ev.Name, RecipientType = ev.RecipientType, TimeZone = ev.TimeZone };
            if (ev.VariablesJson != null) t.Variables = (JObject)ev.VariablesJson.DeepClone();
            return t;
        }

        static EventTarget FromObject(object value)
        {
            var props = new List<KeyValuePair<string, object?>>();
            if (value is IDictionary d)
                foreach (DictionaryEntry kv in d) props.Add(new KeyValuePair<string, object?>(Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? "", Unwrap(kv.Value)));
            else
                foreach (var p in ((PSObject)value).Properties)
                {
                    object? v;
                    try { v = p.Value; } catch (Exception) { continue; }
                    props.Add(new KeyValuePair<string, object?>(p.Name, Unwrap(v)));
                }
            object? Get(params string[] names)
            {
                foreach (var n in names)
                    foreach (var kv in props)
                        if (Bare(kv.Key) == Bare(n) && kv.Value != null && !(kv.Value is string s && s.Length == 0)) return kv.Value;
                return null;
            }
            var phoneKey = PhoneKeys.FirstOrDefault(k => Get(k) != null);
            var shown = Describe(props);
            if (phoneKey == null)
                throw Errors.Invalid(ErrorIds.InvalidTarget, $"The target {shown} has no phone property ({string.Join(", ", PhoneKeys)}); nothing was scheduled for it.", shown);
            var phoneText = Text(Get(phoneKey));
            var t = new EventTarget { Input = phoneText ?? "", Phone = E164.Normalize(phoneText, "target number") };
            // a row's texts are outside data going out: refused with a control character, as parameters are (Boundary/)
            t.Name = Clean(Text(Get("Name")), $"The name of {t.Phone}", Boundary.ParameterRules.MaxNameLength);
            t.TimeZone = Clean(Text(Get("TimeZone")), $"The time zone of {t.Phone}", 100);
            var assistant = Text(Get("AssistantId"));
            t.AssistantId = assistant == null ? null : Boundary.Ids.Check(assistant, $"The AssistantId of {t.Phone}");
            t.Message = Clean(Text(Get("Message", "Text", "Body")), $"The message for {t.Phone}", Boundary.ParameterRules.MaxTextLength);
            var rt = Get("RecipientType");
            if (rt != null)
            {
                if (rt is RecipientType r) t.RecipientType = r;
                else
                {
                    var parsed = ParseRecipientType(Convert.ToString(rt, CultureInfo.InvariantCulture));
                    t.RecipientType = parsed ?? throw Errors.Invalid(ErrorIds.InvalidRecipientType,
                        $"The recipient type '{rt}' of {t.Phone} is not one of AutomatedSystem, Business, Professional; nothing was scheduled for it.", t.Phone);
                }
            }
            var at = Get(AtKeys);
            if (at != null) t.At = ParseTime(at, t.Phone);

            var skip = new HashSet<string>(PhoneKeys.Concat(AtKeys).Concat(Control).Select(Bare), StringComparer.Ordinal);
            foreach (var kv in props)
            {
                if (string.Equals(kv.Key, "Variables", StringComparison.OrdinalIgnoreCase) && kv.Value != null)
                {
                    if (Json.FromPowerShell(kv.Value) is JObject vars) foreach (var p in vars.Properties()) t.Variables[p.Name] = p.Value;
                    continue;
                }
                if (skip.Contains(Bare(kv.Key)) || kv.Value is ScriptBlock) continue;
                t.Variables[kv.Key] = Json.FromPowerShell(kv.Value);
            }
            if (t.Name != null && t.Variables["Name"] == null) t.Variables["Name"] = t.Name;
            return t;
        }

        static string? Clean(string? text, string what, int maxLength)
        {
            if (text == null) return null;
            Boundary.ParameterRules.Length(text, what, maxLength);
            return Boundary.OutsideText.Clean(text, what);
        }

        static string? Text(object? v)
        {
            var s = v == null ? null : Convert.ToString(v, CultureInfo.InvariantCulture);
            return string.IsNullOrWhiteSpace(s) ? null : s!.Trim();
        }

        static object? Unwrap(object? v) => v is PSObject p && !(p.BaseObject is PSCustomObject) ? p.BaseObject : v;

        static string Describe(List<KeyValuePair<string, object?>> props)
        {
            var text = "@{" + string.Join("; ", props.Take(4).Select(kv => $"{kv.Key}={kv.Value}")) + (props.Count > 4 ? "; …" : "") + "}";
            return text.Length > 120 ? text.Substring(0, 119) + "…" : text;
        }

        public static RecipientType? ParseRecipientType(string? s)
        {
            var c = (s ?? "").Replace(" ", "").Replace("_", "").Replace("-", "").ToLowerInvariant();
            switch (c)
            {
                case "automatedsystem": case "automated": case "ivr": case "machine": return ClawdTalk.RecipientType.AutomatedSystem;
                case "business": case "company": return ClawdTalk.RecipientType.Business;
                case "professional": case "person": return ClawdTalk.RecipientType.Professional;
                default: return null;
            }
        }

        /// <summary>
        /// A time as given (DateTime, DateTimeOffset or text) in UTC. Times outside what a schedule can be (before 2000, or
        /// so far ahead that the arithmetic of a stagger would overflow: DateTime.MaxValue) are InvalidScheduleTime, not an
        /// ArgumentOutOfRangeException; the planner refuses what is in the past or more than a year ahead.
        /// </summary>
        public static DateTimeOffset ParseTime(object value, object? target)
        {
            DateTimeOffset? t = null;
            try
            {
                switch (value)
                {
                    case DateTimeOffset dto: t = dto.ToUniversalTime(); break;
                    case DateTime dt: t = dt.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Local)).ToUniversalTime() : new DateTimeOffset(dt).ToUniversalTime(); break;
                    default:
                        var s = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeLocal, out var parsed)) t = parsed.ToUniversalTime();
                        break;
                }
            }
            catch (ArgumentOutOfRangeException) { t = null; }
            var shown = Boundary.OutsideText.Visible(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
            if (t == null)
                throw Errors.Invalid(ErrorIds.InvalidScheduleTime, $"The time '{shown}' of {target} is not a date and time a call or text can be scheduled for; nothing was scheduled for it.", target);
            if (t.Value.Year < 2000 || t.Value.Year > 9000)
                throw Errors.Invalid(ErrorIds.InvalidScheduleTime, $"The time '{shown}' of {target} is outside the range a schedule can have; nothing was scheduled for it.", target);
            return t.Value;
        }

        static readonly Regex Placeholder = new Regex(@"\{\{\s*(?<name>[A-Za-z_][A-Za-z0-9_.]*)\s*\}\}", RegexOptions.CultureInvariant);

        /// <summary>Fills `{{Name}}` placeholders from the target's variables (and Phone); UnknownTemplateVariable for one it lacks.</summary>
        public static string Render(string template, EventTarget t)
        {
            return Placeholder.Replace(template, m =>
            {
                var name = m.Groups["name"].Value;
                if (string.Equals(name, "Phone", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "To", StringComparison.OrdinalIgnoreCase)) return t.Phone;
                foreach (var p in t.Variables.Properties())
                    if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                        return p.Value.Type == JTokenType.String ? (string?)p.Value ?? "" : p.Value.Type == JTokenType.Null ? "" : p.Value.ToString(Newtonsoft.Json.Formatting.None);
                throw Errors.Invalid(ErrorIds.UnknownTemplateVariable,
                    $"The message uses {{{{{name}}}}}, but the target {t} has no such property; nothing was scheduled for it.", t.Phone);
            });
        }

        /// <summary>
        /// The do-not-call set: numbers, and files holding one number a line (the first comma- or tab-separated column;
        /// blank lines and # comments skipped). Every entry is normalised so '+1 (212) 555-0100' matches '+12125550100'.
        /// </summary>
        public static HashSet<string> ReadExcludeList(IEnumerable<object?> items, string currentDirectory, Action<string> warn)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var raw in items)
            {
                var v = raw is PSObject p ? p.BaseObject : raw;
                if (v == null) continue;
                if (v is FileInfo fi) { AddFile(set, fi.FullName, warn); continue; }
                var s = Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim() ?? "";
                if (s.Length == 0) continue;
                if (s.StartsWith("+", StringComparison.Ordinal) || s.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
                {
                    AddNumber(set, s, "-ExcludeList", warn);
                    continue;
                }
                var path = Path.IsPathRooted(s) ? s : Path.Combine(currentDirectory, s);
                if (!File.Exists(path))
                    throw new ClawdTalkException(ErrorIds.ExcludeListNotFound, ErrorCategory.ObjectNotFound,
                        $"The exclude list '{s}' is neither an international number (+…) nor a file that exists. Nothing was scheduled.", s);
                AddFile(set, path, warn);
            }
            return set;
        }

        static void AddFile(HashSet<string> set, string path, Action<string> warn)
        {
            string[] lines;
            try { lines = File.ReadAllLines(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new ClawdTalkException(ErrorIds.ExcludeListUnreadable, ErrorCategory.ReadError, $"The exclude list {path} cannot be read: {ex.Message}. Nothing was scheduled.", path, ex);
            }
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal)) continue;
                var first = line.Split(',', '\t', ';')[0].Trim().Trim('"');
                if (!first.StartsWith("+", StringComparison.Ordinal) && !first.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
                {
                    if (i == 0) continue; // a header row
                    warn($"{Path.GetFileName(path)} line {i + 1}: '{first}' is not an international number; skipped.");
                    continue;
                }
                AddNumber(set, first, $"{Path.GetFileName(path)} line {i + 1}", warn);
            }
        }

        static void AddNumber(HashSet<string> set, string s, string where, Action<string> warn)
        {
            if (E164.TryNormalize(s, out var e164, E164.Strictness.Possible)) set.Add(e164);
            else warn($"{where}: '{s}' is not a phone number; it excludes nothing.");
        }
    }
}
