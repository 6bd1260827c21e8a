using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Foundation
{
    public class ModuleTests
    {
        static readonly Type[] CmdletTypes = typeof(ClawdTalk.Commands.Base.ClawdTalkCmdlet).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<CmdletAttribute>() != null).ToArray();

        static string NameOf(Type t)
        {
            var a = t.GetCustomAttribute<CmdletAttribute>()!;
            return a.VerbName + "-" + a.NounName;
        }

        [Fact]
        public void Module_folder_holds_manifest_assembly_dependencies_format_and_help()
        {
            var dir = ModuleLocation.ModuleFolder;
            foreach (var f in new[] { "ClawdTalk.psd1", "ClawdTalk.Cmdlets.dll", "Polly.Core.dll", "Newtonsoft.Json.dll", "ClawdTalk.format.ps1xml",
                         Path.Combine("en-US", "ClawdTalk.Cmdlets.dll-Help.xml"), Path.Combine("en-US", "about_ClawdTalk.help.txt") })
                Assert.True(File.Exists(Path.Combine(dir, f)), "missing " + f);
            Assert.False(File.Exists(Path.Combine(dir, "System.Management.Automation.dll")), "the engine's reference assembly must not ship");
            Assert.Contains($"ModuleVersion = '{ModuleLocation.Version}'", File.ReadAllText(Path.Combine(dir, "ClawdTalk.psd1")));
        }

        [Fact]
        public void Import_exports_exactly_the_cmdlets_of_the_assembly()
        {
            using var ps = new PsSession();
            var r = ps.Run("(Get-Module ClawdTalk).ExportedCmdlets.Keys; (Get-Module ClawdTalk).Version.ToString()").Ok();
            var exported = r.Output.Select(o => o.ToString()).ToList();
            Assert.Equal(ModuleLocation.Version, exported[^1]);
            Assert.Equal(CmdletTypes.Select(NameOf).OrderBy(n => n), exported.Take(exported.Count - 1).OrderBy(n => n));
        }

        [Fact]
        public void Cmdlets_follow_the_house_style()
        {
            var approved = typeof(VerbsCommon).Assembly.GetTypes().Where(t => t.Name.StartsWith("Verbs", StringComparison.Ordinal))
                .SelectMany(t => t.GetFields().Select(f => (string)f.GetValue(null)!)).ToHashSet();
            foreach (var t in CmdletTypes)
            {
                var a = t.GetCustomAttribute<CmdletAttribute>()!;
                Assert.True(t.IsSealed && t.IsPublic, t.Name + " must be public sealed");
                Assert.Contains(a.VerbName, approved);
                Assert.StartsWith("ClawdTalk", a.NounName);
                // "Sms" is an acronym, singular (Send-ClawdTalkSms is the name DESIGN.md gives); "Status" is singular (Get-ClawdTalkStatus, issue 8)
                Assert.False(a.NounName.EndsWith("s", StringComparison.Ordinal) && !a.NounName.EndsWith("ss", StringComparison.Ordinal)
                             && !a.NounName.EndsWith("Sms", StringComparison.Ordinal) && !a.NounName.EndsWith("Status", StringComparison.Ordinal), a.NounName + " should be singular");
                Assert.True(t.GetCustomAttributes<OutputTypeAttribute>().Any(), NameOf(t) + " needs [OutputType]");
            }
        }

        [Fact]
        public void Host_prints_objects_through_the_module_format_views()
        {
            using var ps = new PsSession();
            var r = ps.RunFormatted("Test-ClawdTalkConnection -ErrorAction SilentlyContinue").Ok();
            Assert.Matches(@"Status\s+: \w+[\s\S]*Message\s+: ", r.HostText); // a list: the whole message, never cut
        }
    }
}
