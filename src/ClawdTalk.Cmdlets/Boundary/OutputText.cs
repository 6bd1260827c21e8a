using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace ClawdTalk.Boundary
{
    /// <summary>
    /// What a ClawdTalk cmdlet writes to the pipeline is what views, Format-List and Out-Host show: every text property of
    /// the module's own output types (and of the module's objects they hold, and of arrays of them) leaves with its control
    /// characters made visible (<see cref="OutsideText.Visible"/>), whichever source the text came from (the service, a
    /// state file another program wrote, a log line). One pass per object through a setter list cached per type; text
    /// that needs no change is not copied. Objects of other assemblies (PSObject, hashtables) are left alone: the module
    /// builds those through Json.ToPowerShell, which makes their texts visible itself.
    /// </summary>
    internal static class OutputText
    {
        static readonly Assembly Own = typeof(OutputText).Assembly;
        static readonly ConcurrentDictionary<Type, Action<object, int>> Cache = new ConcurrentDictionary<Type, Action<object, int>>();

        public static void MakeVisible(object? value) => Visit(value, 0);

        static void Visit(object? value, int depth)
        {
            if (value == null || depth > 6) return;
            var type = value.GetType();
            if (type.Assembly != Own || !type.IsClass) return;
            Cache.GetOrAdd(type, Build)(value, depth);
        }

        static Action<object, int> Build(Type type)
        {
            var steps = new List<Action<object, int>>();
            foreach (var p in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
            {
                if (p.GetIndexParameters().Length > 0 || p.GetGetMethod() == null) continue;
                var set = p.GetSetMethod(nonPublic: true);
                if (p.PropertyType == typeof(string))
                {
                    if (set == null) continue;
                    steps.Add((o, _) =>
                    {
                        if (p.GetValue(o) is string s)
                        {
                            var shown = OutsideText.Visible(s);
                            if (!ReferenceEquals(shown, s)) set.Invoke(o, new object[] { shown });
                        }
                    });
                }
                else if (p.PropertyType == typeof(string[]))
                    steps.Add((o, _) =>
                    {
                        if (p.GetValue(o) is string[] a)
                            for (var i = 0; i < a.Length; i++) if (a[i] != null) a[i] = OutsideText.Visible(a[i]);
                    });
                else if (p.PropertyType.Assembly == Own && p.PropertyType.IsClass)
                    steps.Add((o, d) => Visit(p.GetValue(o), d + 1));
                else if (typeof(IEnumerable).IsAssignableFrom(p.PropertyType) && p.PropertyType != typeof(string) && ElementIsOwn(p.PropertyType))
                    steps.Add((o, d) =>
                    {
                        if (p.GetValue(o) is IEnumerable items) foreach (var item in items) Visit(item, d + 1);
                    });
            }
            var all = steps.ToArray();
            return (o, d) => { foreach (var step in all) step(o, d); };
        }

        static bool ElementIsOwn(Type t)
        {
            var element = t.IsArray ? t.GetElementType() : t.GetInterfaces().Concat(new[] { t })
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).Select(i => i.GetGenericArguments()[0]).FirstOrDefault();
            return element != null && element.Assembly == Own;
        }
    }
}
