using System.Collections;
using System.Text.RegularExpressions;
using ClawdTalk.Boundary;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Missions
{
    /// <summary>One step of a plan as the user gave it.</summary>
    internal sealed class StepSpec
    {
        public string StepId = "", Description = "";
        public int Sequence;

        public JObject ToJson() => new JObject { ["step_id"] = StepId, ["description"] = Description, ["sequence"] = Sequence };
    }

    /// <summary>Validation of user input, before anything is sent: plan steps, JSON values, statuses.</summary>
    internal static class UserInput
    {
        static readonly Regex StepIdPattern = new Regex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", RegexOptions.CultureInvariant);

        /// <summary>
        /// Reads -Step values: a text (its slug is the step id, the text the description), a hashtable or object with
        /// StepId/step_id, Description and Sequence, a PlanStep, or JSON text of one step or an array of steps.
        /// </summary>
        public static List<StepSpec> Steps(object[]? items)
        {
            var result = new List<StepSpec>();
            if (items == null) return result;
            foreach (var raw in items) Add(result, raw);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < result.Count; i++)
            {
                var s = result[i];
                if (!StepIdPattern.IsMatch(s.StepId))
                    throw Errors.Invalid(ErrorIds.InvalidStep, $"The step id '{s.StepId}' is not valid: use 1 to 64 letters, digits, '-', '_', '.' or ':', starting with a letter or digit.", s.StepId);
                if (!seen.Add(s.StepId)) throw Errors.Invalid(ErrorIds.DuplicateStepId, $"The step id '{s.StepId}' is given twice; step ids must be unique in a plan.", s.StepId);
                if (s.Sequence == 0) s.Sequence = i + 1;
            }
            return result;
        }

        static void Add(List<StepSpec> list, object? raw)
        {
            var value = raw is PSObject pso && !(pso.BaseObject is PSCustomObject) ? pso.BaseObject : raw;
            switch (value)
            {
                case null:
                    throw Errors.Invalid(ErrorIds.InvalidStep, "A step is empty ($null).");
                case PlanStep p:
                    list.Add(new StepSpec { StepId = p.StepId, Description = p.Description ?? p.StepId, Sequence = p.Sequence });
                    return;
                case string s when LooksLikeJson(s):
                    var token = Json.ParseUserJson(s, "The step", ErrorIds.InvalidStep);
                    if (token is JArray arr) foreach (var t in arr) AddJson(list, t);
                    else AddJson(list, token);
                    return;
                case string s:
                    if (string.IsNullOrWhiteSpace(s)) throw Errors.Invalid(ErrorIds.InvalidStep, "A step is an empty text.");
                    var id = Slugs.From(s);
                    if (id.Length > 48) id = id.Substring(0, 48).Trim('-');
                    if (id.Length == 0) throw Errors.Invalid(ErrorIds.InvalidStep, $"The step '{s}' has no letters or digits to make a step id from; give @{{StepId='…'; Description='…'}}.", s);
                    list.Add(new StepSpec { StepId = id, Description = s.Trim() });
                    return;
                case IDictionary _:
                case PSObject _:
                    AddJson(list, Json.FromPowerShell(value));
                    return;
                default:
                    throw Errors.Invalid(ErrorIds.InvalidStep, $"A step must be a text, a hashtable (StepId, Description, Sequence) or JSON; got {value.GetType().Name}.");
            }
        }

        static void AddJson(List<StepSpec> list, JToken t)
        {
            if (!(t is JObject o)) throw Errors.Invalid(ErrorIds.InvalidStep, "Each step in JSON must be an object with step_id and description.");
            string? Get(params string[] names)
            {
                foreach (var p in o.Properties())
                    foreach (var n in names)
                        if (string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase) && p.Value.Type != JTokenType.Null)
                            return p.Value.Type == JTokenType.String ? (string?)p.Value : p.Value.ToString(Newtonsoft.Json.Formatting.None);
                return null;
            }
            var id = Get("step_id", "StepId", "id");
            var description = Get("description", "Description");
            var seqText = Get("sequence", "Sequence");
            if (string.IsNullOrWhiteSpace(id))
            {
                if (string.IsNullOrWhiteSpace(description)) throw Errors.Invalid(ErrorIds.InvalidStep, "A step needs a StepId (or at least a Description to make one from).");
                id = Slugs.From(description);
                if (id.Length > 48) id = id.Substring(0, 48).Trim('-');
            }
            var seq = 0;
            if (seqText != null && !int.TryParse(seqText, NumberStyles.Integer, CultureInfo.InvariantCulture, out seq))
                throw Errors.Invalid(ErrorIds.InvalidStep, $"The sequence of step '{id}' is not a whole number: {seqText}", id);
            list.Add(new StepSpec { StepId = id!.Trim(), Description = string.IsNullOrWhiteSpace(description) ? id!.Trim() : description!.Trim(), Sequence = seq });
        }

        public static bool LooksLikeJson(string s)
        {
            var t = s.TrimStart();
            return t.StartsWith("{", StringComparison.Ordinal) || t.StartsWith("[", StringComparison.Ordinal);
        }

        /// <summary>
        /// A memory value or payload: objects and hashtables become JSON; a text that starts with `{` or `[` is read as
        /// JSON (and must be valid: <paramref name="errorId"/> otherwise); any other text stays text.
        /// </summary>
        public static JToken Value(object? value, string what, string errorId)
        {
            var v = value is PSObject pso && !(pso.BaseObject is PSCustomObject) ? pso.BaseObject : value;
            if (v is string s && LooksLikeJson(s)) return Json.ParseUserJson(s, what, errorId);
            return Json.FromPowerShell(value);
        }

        public static StepStatus StepStatus(string? text) =>
            Wire.Parse<StepStatus>(text) ?? throw Errors.Invalid(ErrorIds.InvalidStepStatus,
                $"'{text}' is not a step status. Use one of: pending, in_progress, completed, skipped, failed.", text);

        public static RunStatus RunStatus(string? text) =>
            Wire.Parse<RunStatus>(text) ?? throw Errors.Invalid(ErrorIds.InvalidRunStatus,
                $"'{text}' is not a run status. Use one of: pending, running, succeeded, failed, cancelled.", text);

        public static MissionEventType EventType(string? text) =>
            Wire.Parse<MissionEventType>(text) ?? throw Errors.Invalid(ErrorIds.InvalidEventType,
                $"'{text}' is not an event type. Use one of: tool_call, custom, message, error, step_started, step_completed.", text);

        /// <summary>A mission name: not empty, and with at least one letter or digit (its slug must not be empty).</summary>
        public static (string name, string slug) MissionName(string? name)
        {
            if (string.IsNullOrWhiteSpace(name)) throw Errors.Invalid(ErrorIds.InvalidMissionName, "The mission name is empty.", name);
            var slug = Slugs.From(name);
            if (slug.Length == 0) throw Errors.Invalid(ErrorIds.InvalidMissionName, $"The mission name '{name}' has no letters or digits, so it has no slug.", name);
            return (name!.Trim(), slug);
        }

        public static string[] WireNames<T>() where T : struct, Enum =>
            Enum.GetValues(typeof(T)).Cast<T>().Where(v => v.ToString() != "Unknown").Select(v => v switch
            {
                ClawdTalk.StepStatus s => Wire.Step(s),
                ClawdTalk.RunStatus r => Wire.Run(r),
                MissionEventType e => Wire.Event(e),
                _ => v.ToString(),
            }).ToArray();
    }

    /// <summary>Lets a TimeSpan parameter take a number of seconds (`-Timeout 30`) as well as a TimeSpan or `'00:05:00'`.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var v = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (v)
            {
                case int i: return TimeSpan.FromSeconds(i);
                case long l: return TimeSpan.FromSeconds(l);
                case double d: return TimeSpan.FromSeconds(d);
                case decimal m: return TimeSpan.FromSeconds((double)m);
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs): return TimeSpan.FromSeconds(secs);
                default: return inputData;
            }
        }
    }
}
