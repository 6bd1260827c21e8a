using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using ClawdTalk.Api;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    /// <summary>
    /// Every ErrorId a constant (issue 24, item 3): no string literal stands where an ErrorId goes in
    /// src/ClawdTalk.Cmdlets (outside Api/ErrorIds.cs), and every constant of <see cref="ErrorIds"/> is PascalCase and
    /// unique. The files that still hold such literals are listed by name with their count: a new one fails, one that
    /// grew fails, and one that got fewer fails until its entry is lowered, so the list only shrinks.
    /// </summary>
    public class ErrorIdTests
    {
        static string Source => Path.Combine(ModuleLocation.RepoRoot, "src", "ClawdTalk.Cmdlets");

        [Fact]
        public void No_ErrorId_is_a_string_literal_outside_ErrorIds()
        {
            var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var files = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p == "obj" || p == "bin")).ToList();
            Assert.True(files.Count > 100, "the module's sources were read");
            foreach (var file in files)
            {
                var rel = Path.GetRelativePath(Source, file).Replace(Path.DirectorySeparatorChar, '/');
                if (rel == "Api/ErrorIds.cs") continue;
                var hits = ErrorIdLiterals.Find(File.ReadAllText(file));
                if (hits.Count > 0) found[rel] = hits.Select(h => $"line {h.Line}: \"{h.Id}\"").ToList();
            }
            var problems = found.Select(f => $"{f.Key} writes ErrorIds as literals (use a constant of Api/ErrorIds.cs): {string.Join(", ", f.Value)}").ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        /// <summary>The scan finds a literal in every position it looks at, and none in a constant or a message: the test above can fail.</summary>
        [Theory]
        [InlineData("throw Errors.Invalid(\"BadThing\", \"The thing, said \\\"Bad\\\".\", x);", "BadThing")]
        [InlineData("throw Errors.Terminating(a ? \"OneThing\" : \"OtherThing\", ErrorCategory.InvalidData, \"m\");", "OneThing,OtherThing")]
        [InlineData("throw new ClawdTalkException(\"NewThing\", ErrorCategory.InvalidData, \"m\");", "NewThing")]
        [InlineData("throw new ClawdTalkApiException(\"ApiThing\", c, \"m\", s, null, \"GET\", \"p\");", "ApiThing")]
        [InlineData("throw new GatewayException(\"GateThing\", c, \"m\");", "GateThing")]
        [InlineData("WriteError(new ErrorRecord(new Exception(\"Went, wrong\"), \"RecordThing\", ErrorCategory.NotSpecified, null));", "RecordThing")]
        [InlineData("_core.RecordError(\"BridgeThing\", message);", "BridgeThing")]
        [InlineData("Log.Write(BridgeLogLevel.Error, \"evt\", \"m\", callId, requestId, \"LogThing\");", "LogThing")]
        [InlineData("Log.Write(BridgeLogLevel.Error, \"evt\", \"m\", errorId: x ? \"NamedOne\" : \"NamedTwo\", data: d);", "NamedOne,NamedTwo")]
        [InlineData("record.ErrorId = \"SetThing\";", "SetThing")]
        [InlineData("if (ex.ErrorId == \"SameThing\" || \"OtherSame\" != ex.ErrorId) return;", "SameThing,OtherSame")]
        [InlineData("return gx.ErrorId switch { \"ArmOne\" or \"ArmTwo\" => 1, _ => \"NotAnId\".Length };", "ArmOne,ArmTwo")]
        [InlineData("public static string ErrorIdOf(D d) => d switch { D.A => \"FromArm\", _ => \"Fallback\" };", "FromArm,Fallback")]
        [InlineData("CommsResponses.ThrowIfFailure(response, \"FailThing\", \"The text\", to, \"id\");", "FailThing")]
        [InlineData("var v = UserInput.Value(Input, \"The input\", \"InputThing\"); Json.ParseUserJson(s, \"The tool\", \"ToolThing\");", "InputThing,ToolThing")]
        [InlineData("throw Errors.Invalid(ErrorIds.BadThing, \"BadThing is said here\"); // Errors.Invalid(\"InAComment\", \"m\")", "")]
        [InlineData("var folder = @\"C:\\\"; // Errors.Invalid(\"InAComment\", \"m\")", "")]
        [InlineData("var name = \"PascalName\"; var q = '\"'; Write(\"Pascal\", ErrorIds.Other); Errors.Invalid(ErrorIds.X, q == '\"' ? \"a\" : \"b\");", "")]
        public void The_scan_finds_ErrorId_literals_in_every_position(string code, string expected)
        {
            var found = string.Join(",", ErrorIdLiterals.Find(code).Select(h => h.Id));
            Assert.Equal(expected, found);
        }

        [Fact]
        public void Every_ErrorId_constant_is_PascalCase_and_unique()
        {
            var constants = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (f.Name, Value: (string)f.GetRawConstantValue()!)).ToList();
            Assert.True(constants.Count > 100, "the constants were read");
            var pascal = new Regex("^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$");
            Assert.Empty(constants.Where(c => !pascal.IsMatch(c.Value)).Select(c => $"{c.Name} = \"{c.Value}\" is not PascalCase"));
            Assert.Empty(constants.GroupBy(c => c.Value, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
                .Select(g => $"\"{g.Key}\" is the value of {string.Join(" and ", g.Select(c => c.Name))}"));
            Assert.Empty(constants.Where(c => c.Name != c.Value).Select(c => $"{c.Name} holds \"{c.Value}\": a constant is named for its value"));
        }

        [Fact]
        public void Every_ErrorId_constant_has_a_one_line_doc_comment()
        {
            var lines = File.ReadAllLines(Path.Combine(Source, "Api", "ErrorIds.cs"));
            var missing = new List<string>();
            for (var i = 0; i < lines.Length; i++)
            {
                var m = Regex.Match(lines[i], @"public const string (\w+)");
                if (m.Success && (i == 0 || !Regex.IsMatch(lines[i - 1], @"^\s*/// <summary>.+</summary>\s*$"))) missing.Add(m.Groups[1].Value);
            }
            Assert.True(missing.Count == 0, "constants without a one-line /// <summary>: " + string.Join(", ", missing));
        }
    }

    /// <summary>
    /// Finds string literals where an ErrorId goes, in C# source: the ErrorId argument of the calls that take one,
    /// `errorId:`/`ErrorId =` values, comparisons with an ErrorId, the patterns of a switch over an ErrorId and the arms
    /// of an `ErrorIdOf` mapping. Hand-written over the text (a C# parser is more than this needs): comments are blanked
    /// first, and only PascalCase literals count, so messages and wire keys never match.
    /// </summary>
    static class ErrorIdLiterals
    {
        /// <summary>The calls that take an ErrorId, with the index of that argument.</summary>
        static readonly (string Callee, int Index)[] Calls =
        {
            (@"Errors\.Invalid", 0), (@"Errors\.Terminating", 0), (@"new\s+ClawdTalkException", 0), (@"new\s+ClawdTalkApiException", 0),
            (@"new\s+GatewayException", 0), (@":\s*base", 0), (@"RecordError", 0), (@"\bFail", 0), (@"new\s+ErrorRecord", 1),
            (@"ThrowIfFailure", 1), (@"CheckText", 2), (@"CheckedSecret", 1), (@"ParseUserJson", 2), (@"UserInput\.Value", 2), (@"Log\.Write", 5),
        };

        static readonly Regex Literal = new("\"([A-Z][A-Za-z0-9]*)\"");

        public static List<(int Line, string Id)> Find(string source)
        {
            var t = BlankComments(source);
            var hits = new SortedDictionary<int, string>();
            void In(int from, int to)
            {
                foreach (Match m in Literal.Matches(t.Substring(from, Math.Max(0, to - from)))) hits[from + m.Index] = m.Groups[1].Value;
            }
            foreach (var (callee, index) in Calls)
                foreach (Match m in Regex.Matches(t, callee + @"\s*\("))
                {
                    var args = Arguments(t, m.Index + m.Length - 1);
                    if (args.Count > index) In(args[index].From, args[index].To);
                }
            foreach (Match m in Regex.Matches(t, @"\berrorId\s*(?::|=(?!=))\s*", RegexOptions.IgnoreCase)) In(m.Index + m.Length, ExpressionEnd(t, m.Index + m.Length));
            foreach (Match m in Regex.Matches(t, @"errorId\s*[!=]=\s*(?="")", RegexOptions.IgnoreCase)) In(m.Index + m.Length, ExpressionEnd(t, m.Index + m.Length));
            foreach (Match m in Regex.Matches(t, @"""[A-Z]\w*""\s*[!=]=\s*[\w.]*ErrorId\b")) In(m.Index, m.Index + m.Length);
            foreach (Match m in Regex.Matches(t, @"errorId\s+switch\s*\{", RegexOptions.IgnoreCase))
            {
                var body = t.Substring(m.Index + m.Length, BlockEnd(t, m.Index + m.Length - 1) - (m.Index + m.Length));
                foreach (Match arm in Regex.Matches(body, @"([^,{]*?)=>")) In(m.Index + m.Length + arm.Groups[1].Index, m.Index + m.Length + arm.Groups[1].Index + arm.Groups[1].Length);
            }
            foreach (Match m in Regex.Matches(t, @"ErrorIdOf\([^)]*\)\s*=>"))
            {
                var end = t.IndexOf(';', m.Index + m.Length);
                var body = t.Substring(m.Index + m.Length, (end < 0 ? t.Length : end) - (m.Index + m.Length));
                foreach (Match arm in Regex.Matches(body, @"=>([^,}]*)")) In(m.Index + m.Length + arm.Groups[1].Index, m.Index + m.Length + arm.Groups[1].Index + arm.Groups[1].Length);
            }
            return hits.Select(h => (source.Take(h.Key).Count(c => c == '\n') + 1, h.Value)).ToList();
        }

        /// <summary>
        /// Where the string or char literal starting at <paramref name="at"/> ends (its closing quote), or -1 when none starts
        /// there: regular and verbatim strings (an escaped or doubled quote stays inside) and chars.
        /// </summary>
        static int LiteralEnd(string t, int at)
        {
            if (t[at] == '\'') return Math.Min(t.Length - 1, at + (at + 1 < t.Length && t[at + 1] == '\\' ? 3 : 2));
            if (t[at] == '@' && at + 1 < t.Length && t[at + 1] == '"') // verbatim: a doubled quote stays inside, a backslash is a backslash
            {
                for (var j = at + 2; j < t.Length; j++)
                    if (t[j] == '"') { if (j + 1 < t.Length && t[j + 1] == '"') j++; else return j; }
                return t.Length - 1;
            }
            if (t[at] != '"') return -1;
            for (var j = at + 1; j < t.Length; j++)
                if (t[j] == '\\') j++;
                else if (t[j] == '"') return j;
            return t.Length - 1;
        }

        /// <summary>The text with `//` comments turned to spaces (same length, so positions hold).</summary>
        static string BlankComments(string t)
        {
            var b = new StringBuilder(t);
            for (var i = 0; i < t.Length; i++)
            {
                var end = LiteralEnd(t, i);
                if (end >= 0) { i = end; continue; }
                if (t[i] == '/' && i + 1 < t.Length && t[i + 1] == '/')
                    for (; i < t.Length && t[i] != '\n'; i++) b[i] = ' ';
            }
            return b.ToString();
        }

        /// <summary>The top-level arguments of the call whose `(` is at <paramref name="open"/>.</summary>
        static List<(int From, int To)> Arguments(string t, int open)
        {
            var result = new List<(int, int)>();
            int depth = 0, start = open + 1;
            for (var j = open; j < t.Length; j++)
            {
                var end = LiteralEnd(t, j);
                if (end >= 0) { j = end; continue; }
                var c = t[j];
                if (c == '(' || c == '[' || c == '{') depth++;
                else if (c == ')' || c == ']' || c == '}') { if (--depth == 0) { result.Add((start, j)); return result; } }
                else if (c == ',' && depth == 1) { result.Add((start, j)); start = j + 1; }
            }
            return result;
        }

        /// <summary>Where the expression starting at <paramref name="from"/> ends: a top-level `,`, `;` or closing bracket.</summary>
        static int ExpressionEnd(string t, int from)
        {
            var depth = 0;
            for (var j = from; j < t.Length; j++)
            {
                var end = LiteralEnd(t, j);
                if (end >= 0) { j = end; continue; }
                var c = t[j];
                if (c == '(' || c == '[' || c == '{') depth++;
                else if (c == ')' || c == ']' || c == '}') { if (depth-- == 0) return j; }
                else if ((c == ',' || c == ';') && depth == 0) return j;
            }
            return t.Length;
        }

        /// <summary>The `}` closing the block whose `{` is at <paramref name="open"/>.</summary>
        static int BlockEnd(string t, int open)
        {
            var depth = 0;
            for (var j = open; j < t.Length; j++)
            {
                var end = LiteralEnd(t, j);
                if (end >= 0) { j = end; continue; }
                if (t[j] == '{') depth++;
                else if (t[j] == '}' && --depth == 0) return j;
            }
            return t.Length;
        }
    }
}
