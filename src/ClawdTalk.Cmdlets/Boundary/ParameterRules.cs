using System.Collections.Concurrent;
using System.Reflection;

namespace ClawdTalk.Boundary
{
    /// <summary>
    /// The command line and the pipeline are where most outside data enters (typed values, CSV rows, objects bound by
    /// property name), so every ClawdTalk cmdlet checks its text parameters here before each record, by one rule per kind
    /// of parameter, found by reflection so that no cmdlet can forget it:
    /// <list type="bullet">
    /// <item>-Slug: a mission slug (<see cref="Slugs"/>); with [SupportsWildcards], a pattern of slug characters and * ? [ ].</item>
    /// <item>-…Id (MissionId, RunId, StepId, EventId, CallId…): an id (<see cref="Ids"/>).</item>
    /// <item>every other text: no control character (<see cref="OutsideText.Clean"/>), -Name at most
    ///   <see cref="MaxNameLength"/> characters, any text at most <see cref="MaxTextLength"/>.</item>
    /// </list>
    /// Values of other types (objects, hashtables, targets) are checked where they are read (Targets, UserInput).
    /// </summary>
    internal static class ParameterRules
    {
        public const int MaxNameLength = 200;
        public const int MaxTextLength = 100_000;

        enum Kind { Text, Name, Slug, SlugPattern, Id }

        sealed class Rule
        {
            public PropertyInfo Property = null!;
            public Kind Kind;
        }

        static readonly ConcurrentDictionary<Type, Rule[]> Cache = new ConcurrentDictionary<Type, Rule[]>();

        static Rule[] RulesOf(Type t) => Cache.GetOrAdd(t, type => type.GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(p => (p.PropertyType == typeof(string) || p.PropertyType == typeof(string[])) && p.GetCustomAttributes<ParameterAttribute>(true).Any())
            .Select(p => new Rule { Property = p, Kind = KindOf(p) })
            .ToArray());

        static Kind KindOf(PropertyInfo p)
        {
            if (p.Name == "Slug") return p.IsDefined(typeof(SupportsWildcardsAttribute), true) ? Kind.SlugPattern : Kind.Slug;
            if (p.Name.EndsWith("Id", StringComparison.Ordinal) && p.Name.Length > 2) return Kind.Id;
            if (p.Name == "Name") return Kind.Name;
            return Kind.Text;
        }

        /// <summary>Checks every text parameter the cmdlet was given (bound on the command line or from the current pipeline object).</summary>
        public static void Check(PSCmdlet cmdlet)
        {
            var bound = cmdlet.MyInvocation.BoundParameters;
            foreach (var rule in RulesOf(cmdlet.GetType()))
            {
                if (!bound.ContainsKey(rule.Property.Name)) continue;
                switch (rule.Property.GetValue(cmdlet))
                {
                    case string s: CheckOne(rule, s); break;
                    case string[] a: foreach (var s in a) if (s != null) CheckOne(rule, s); break;
                }
            }
        }

        static void CheckOne(Rule rule, string value)
        {
            var what = "-" + rule.Property.Name;
            switch (rule.Kind)
            {
                case Kind.Slug: Slugs.Check(value, what); return;
                case Kind.SlugPattern:
                    if (!IsSlugPattern(value)) Slugs.Check(value, what);
                    return;
                case Kind.Id: Ids.Check(value, what); return;
                case Kind.Name: Length(value, what, MaxNameLength); break;
                default: Length(value, what, MaxTextLength); break;
            }
            OutsideText.Clean(value, what);
        }

        static bool IsSlugPattern(string value) =>
            value.Length > 0 && value.Length <= Slugs.MaxLength && value.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '*' || c == '?' || c == '[' || c == ']');

        /// <summary>A TextTooLong error when <paramref name="value"/> has more than <paramref name="max"/> characters.</summary>
        public static void Length(string value, string what, int max)
        {
            if (value.Length > max)
                throw Errors.Invalid(ErrorIds.TextTooLong, $"{what} has {value.Length:N0} characters; at most {max:N0} are accepted.", what);
        }

        /// <summary>The names of a cmdlet type's checked parameters by kind, for tests and documentation.</summary>
        internal static IReadOnlyDictionary<string, string> Describe(Type cmdletType) =>
            RulesOf(cmdletType).ToDictionary(r => r.Property.Name, r => r.Kind.ToString());
    }
}
