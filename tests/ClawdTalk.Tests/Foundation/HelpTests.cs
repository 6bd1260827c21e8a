using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    public class HelpTests
    {
        static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
        };

        [Fact]
        public void Every_cmdlet_has_a_complete_doc_page_and_every_documented_parameter_exists()
        {
            using var ps = new PsSession();
            var commands = ps.Run("Get-Command -Module ClawdTalk").Ok().Output.Select(o => (CmdletInfo)o.BaseObject).ToList();
            Assert.NotEmpty(commands);
            var problems = new List<string>();
            foreach (var c in commands)
            {
                var path = Path.Combine(ModuleLocation.DocsFolder, c.Name + ".md");
                if (!File.Exists(path)) { problems.Add($"{c.Name}: no docs/en-US/{c.Name}.md"); continue; }
                var md = File.ReadAllText(path).Replace("\r\n", "\n");
                var parameters = Section(md, "PARAMETERS");
                var documented = Regex.Matches(parameters, @"^### -(\w+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var actual = c.Parameters.Keys.Where(k => !Common.Contains(k)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var p in actual.Except(documented)) problems.Add($"{c.Name}: parameter -{p} is not documented");
                foreach (var p in documented.Except(actual)) problems.Add($"{c.Name}: documents -{p}, which does not exist");
                if (Section(md, "SYNOPSIS").Trim().Length == 0) problems.Add($"{c.Name}: empty synopsis");
                if (Section(md, "DESCRIPTION").Trim().Length == 0) problems.Add($"{c.Name}: empty description");
                if (Regex.Matches(Section(md, "EXAMPLES"), @"^### ", RegexOptions.Multiline).Count < 2) problems.Add($"{c.Name}: fewer than two examples");
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Get_Help_Full_shows_synopsis_and_examples_for_every_cmdlet()
        {
            using var ps = new PsSession();
            var names = ps.Run("(Get-Command -Module ClawdTalk).Name").Ok().Output.Select(o => o.ToString()).ToList();
            foreach (var name in names)
            {
                var md = File.ReadAllText(Path.Combine(ModuleLocation.DocsFolder, name + ".md")).Replace("\r\n", "\n");
                var synopsis = Regex.Replace(Section(md, "SYNOPSIS").Trim(), @"\s+", " ");
                var help = ps.Run($"$h = Get-Help {name} -Full; $h.Synopsis; @($h.examples.example).Count").Ok();
                Assert.Equal(synopsis, help.Output[0].ToString());
                Assert.True((int)help.Output[1].BaseObject >= 2, name + " shows fewer than two examples");
                var text = ps.RunFormatted($"Get-Help {name} -Full").HostText;
                Assert.Contains(synopsis[..Math.Min(40, synopsis.Length)], Regex.Replace(text, @"\s+", " "));
                Assert.Contains("EXAMPLE", text, StringComparison.OrdinalIgnoreCase);
            }
        }

        [Fact]
        public void About_topic_is_installed()
        {
            using var ps = new PsSession();
            var r = ps.RunFormatted("Get-Help about_ClawdTalk").Ok();
            Assert.Contains("about_ClawdTalk", r.HostText);
            Assert.Contains("Connect-ClawdTalk", r.HostText);
        }

        internal static string Section(string md, string name)
        {
            var m = Regex.Match(md, $@"^## {name}\s*\n(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
            return m.Success ? m.Groups[1].Value : "";
        }
    }
}
