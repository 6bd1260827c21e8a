// Turns platyPS-schema markdown (docs/en-US/<Verb-Noun>.md) into the MAML file PowerShell's Get-Help reads.
// platyPS itself cannot be installed on the build machines (no PowerShell Gallery), and no NuGet package does
// this conversion, so this small generator is written by hand. It reads the sections platyPS writes:
// SYNOPSIS, SYNTAX (one ### per parameter set), DESCRIPTION, EXAMPLES, PARAMETERS (with the yaml block),
// INPUTS, OUTPUTS, NOTES, RELATED LINKS.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class ConvertPlatyPSToMaml : Task
{
    [Required] public ITaskItem[] MarkdownFiles { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string OutputFile { get; set; } = "";
    /// <summary>Where `Get-Help -Online` goes for a page whose front matter leaves `online version:` empty.</summary>
    public string OnlineUri { get; set; } = "";

    static readonly XNamespace Msh = "http://msh";
    static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public override bool Execute()
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev));
        foreach (var item in MarkdownFiles.OrderBy(i => i.ItemSpec, StringComparer.Ordinal))
        {
            try { root.Add(ConvertOne(File.ReadAllText(item.ItemSpec), OnlineUri)); }
            catch (Exception ex) { Log.LogError("{0}: {1}", item.ItemSpec, ex.Message); }
        }
        if (Log.HasLoggedErrors) return false;
        var text = new XDocument(new XDeclaration("1.0", "utf-8", null), root).ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(OutputFile)!);
        if (!File.Exists(OutputFile) || File.ReadAllText(OutputFile) != text) File.WriteAllText(OutputFile, text);
        return true;
    }

    sealed class Param
    {
        public string Name = "", Description = "", Type = "Object", Position = "Named", Default = "None", Pipeline = "False", Aliases = "";
        public bool Required, Wildcard;
        public List<string> Sets = new List<string>();
    }

    static XElement ConvertOne(string markdown, string defaultOnlineUri)
    {
        var online = Regex.Match(markdown.Replace("\r\n", "\n"), @"^online version:[ \t]*(\S*)", RegexOptions.Multiline).Groups[1].Value;
        if (online.Length == 0) online = defaultOnlineUri;
        var text = Regex.Replace(markdown.Replace("\r\n", "\n"), "^---\n.*?\n---\n", "", RegexOptions.Singleline);
        var name = Regex.Match(text, @"^# (\S+)", RegexOptions.Multiline).Groups[1].Value;
        if (name.Length == 0 || !name.Contains("-")) throw new InvalidDataException("no '# Verb-Noun' title");
        var sections = Split(text, "## ");
        string Section(string key) => sections.TryGetValue(key, out var s) ? s.Trim() : "";
        var synopsis = Section("SYNOPSIS");
        if (synopsis.Length == 0) throw new InvalidDataException("empty SYNOPSIS");

        var parameters = new List<Param>();
        foreach (var kv in Split(Section("PARAMETERS"), "### "))
        {
            if (!kv.Key.StartsWith("-", StringComparison.Ordinal)) continue;
            var p = new Param { Name = kv.Key.Substring(1).Trim() };
            var yaml = Regex.Match(kv.Value, "```yaml\n(.*?)```", RegexOptions.Singleline);
            p.Description = kv.Value.Substring(0, yaml.Success ? yaml.Index : kv.Value.Length).Trim();
            foreach (var line in yaml.Groups[1].Value.Split('\n'))
            {
                var i = line.IndexOf(':');
                if (i < 0) continue;
                var k = line.Substring(0, i).Trim(); var v = line.Substring(i + 1).Trim();
                switch (k)
                {
                    case "Type": p.Type = v; break;
                    case "Parameter Sets": p.Sets = v.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList(); break;
                    case "Aliases": p.Aliases = v; break;
                    case "Required": p.Required = v.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
                    case "Position": p.Position = v; break;
                    case "Default value": p.Default = v; break;
                    case "Accept pipeline input": p.Pipeline = v; break;
                    case "Accept wildcard characters": p.Wildcard = v.StartsWith("True", StringComparison.OrdinalIgnoreCase); break;
                }
            }
            parameters.Add(p);
        }

        var setNames = Split(Section("SYNTAX"), "### ").Keys
            .Select(k => Regex.Replace(k, @"\s*\(Default\)\s*$", "").Trim()).Where(k => k.Length > 0).ToList();
        if (setNames.Count == 0) setNames.Add("__AllParameterSets");
        var syntax = new XElement(Command + "syntax");
        foreach (var set in setNames)
        {
            var inSet = parameters.Where(p => p.Sets.Count == 0 || p.Sets.Contains("(All)") || p.Sets.Contains(set) || setNames.Count == 1);
            syntax.Add(new XElement(Command + "syntaxItem", new XElement(Maml + "name", name), inSet.Select(p => ParamElement(p, false))));
        }

        var examples = new XElement(Command + "examples");
        foreach (var kv in Split(Section("EXAMPLES"), "### "))
        {
            var code = Regex.Match(kv.Value, "```[a-zA-Z]*\n(.*?)```", RegexOptions.Singleline);
            var remarks = code.Success ? kv.Value.Substring(code.Index + code.Length).Trim() : kv.Value.Trim();
            examples.Add(new XElement(Command + "example",
                new XElement(Maml + "title", "-------------------------- " + kv.Key.Trim() + " --------------------------"),
                new XElement(Dev + "code", code.Groups[1].Value.TrimEnd()),
                new XElement(Dev + "remarks", Paras(remarks))));
        }

        var parts = name.Split(new[] { '-' }, 2);
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", name), new XElement(Command + "verb", parts[0]), new XElement(Command + "noun", parts[1]),
                new XElement(Maml + "description", Paras(synopsis))),
            new XElement(Maml + "description", Paras(Section("DESCRIPTION"))),
            syntax,
            new XElement(Command + "parameters", parameters.Select(p => ParamElement(p, true))),
            new XElement(Command + "inputTypes", TypeList(Section("INPUTS"), Command + "inputType")),
            new XElement(Command + "returnValues", TypeList(Section("OUTPUTS"), Command + "returnValue")),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(Section("NOTES")))),
            examples,
            // Get-Help -Online opens the first link with a URI: the page's online version comes first.
            new XElement(Command + "relatedLinks",
                online.Length == 0 ? null : new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", "Online Version:"), new XElement(Maml + "uri", online)),
                Regex.Matches(Section("RELATED LINKS"), @"\[([^\]]+)\]\(([^)]*)\)").Cast<Match>()
                .Select(m => new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", m.Groups[1].Value), new XElement(Maml + "uri", m.Groups[2].Value)))));
    }

    static XElement ParamElement(Param p, bool full)
    {
        var e = new XElement(Command + "parameter",
            new XAttribute("required", p.Required ? "true" : "false"), new XAttribute("variableLength", "true"),
            new XAttribute("globbing", p.Wildcard ? "true" : "false"),
            new XAttribute("pipelineInput", p.Pipeline), new XAttribute("position", p.Position.ToLowerInvariant() == "named" ? "named" : p.Position),
            new XAttribute("aliases", p.Aliases.Length == 0 ? "none" : p.Aliases),
            new XElement(Maml + "name", p.Name),
            new XElement(Maml + "description", Paras(p.Description)));
        if (!p.Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase))
            e.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), p.Type));
        if (full)
        {
            e.Add(new XElement(Dev + "type", new XElement(Maml + "name", p.Type), new XElement(Maml + "uri")));
            e.Add(new XElement(Dev + "defaultValue", p.Default));
        }
        return e;
    }

    static IEnumerable<XElement> TypeList(string section, XName element) =>
        Split(section, "### ").Select(kv => new XElement(element,
            new XElement(Dev + "type", new XElement(Maml + "name", kv.Key.Trim())),
            new XElement(Maml + "description", Paras(kv.Value))));

    static IEnumerable<XElement> Paras(string text) =>
        Regex.Split(text.Trim(), @"\n\s*\n").Where(p => p.Trim().Length > 0)
            .Select(p => new XElement(Maml + "para", Regex.Replace(p.Trim(), @"\s*\n\s*", " ")));

    // Splits text into (heading → body) at lines that start with the given marker, in order.
    static Dictionary<string, string> Split(string text, string marker)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null; var body = new System.Text.StringBuilder(); var inFence = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            if (!inFence && line.StartsWith(marker, StringComparison.Ordinal))
            {
                if (key != null) result[key] = body.ToString();
                key = line.Substring(marker.Length).Trim(); body.Clear();
                continue;
            }
            if (key != null) body.Append(line).Append('\n');
        }
        if (key != null) result[key] = body.ToString();
        return result;
    }
}
