using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>
    /// Thin cmdlets over services (issue 24): every cmdlet class at most three levels below PSCmdlet (the cmdlet, at most two
    /// bases of ours), and every cmdlet's source under src/ClawdTalk.Cmdlets/Commands at most 250 lines (the partial files
    /// of one class count together). No exceptions: every cmdlet and every class under Commands/ is held to both.
    /// </summary>
    public class ShapeOfCmdletsTests
    {
        const int MaxDepth = 3, MaxLines = 250;

        static readonly Type[] CmdletTypes = typeof(ClawdTalk.Commands.Base.ClawdTalkCmdlet).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<CmdletAttribute>() != null).ToArray();

        static int Depth(Type t)
        {
            var depth = 0;
            for (var b = t; b != null && b != typeof(PSCmdlet); b = b.BaseType) depth++;
            return depth;
        }

        [Fact]
        public void No_cmdlet_is_more_than_three_classes_below_PSCmdlet()
        {
            Assert.True(CmdletTypes.Length > 50, "the module's cmdlets were found");
            Assert.All(CmdletTypes, t => Assert.True(typeof(PSCmdlet).IsAssignableFrom(t), t.Name + " derives from PSCmdlet"));
            var deep = CmdletTypes.Select(t => (t.Name, depth: Depth(t))).Where(x => x.depth > MaxDepth).ToDictionary(x => x.Name, x => x.depth);
            var problems = deep.Select(x => $"{x.Key} is {x.Value} levels below PSCmdlet (at most {MaxDepth}: the cmdlet and two bases of ours)").ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        /// <summary>Lines of each class declared under Commands/ (partial files of one class together), by class name.</summary>
        static Dictionary<string, int> ClassLines()
        {
            var folder = Path.Combine(ModuleLocation.RepoRoot, "src", "ClawdTalk.Cmdlets", "Commands");
            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            var declaration = new Regex(@"^\s*(?:public|internal)\s+(?:(?:abstract|sealed|static|partial)\s+)*class\s+(\w+)", RegexOptions.Multiline);
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                var first = declaration.Match(text);
                Assert.True(first.Success, $"{file} declares a class");
                var name = first.Groups[1].Value; // a file counts for the first class it declares (its own; nested ones go with it)
                lines[name] = lines.GetValueOrDefault(name) + File.ReadAllLines(file).Length;
            }
            return lines;
        }

        [Fact]
        public void No_cmdlet_file_is_over_250_lines()
        {
            var all = ClassLines();
            Assert.True(all.Count > 50, "the files under Commands/ were read");
            var over = all.Where(x => x.Value > MaxLines).ToDictionary(x => x.Key, x => x.Value);
            var problems = over.Select(x => $"{x.Key} has {x.Value} lines under Commands/ (at most {MaxLines}: move the work into a service)").ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
    }
}
