using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Reflection.Emit;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Reliability
{
    /// <summary>
    /// Another module has already loaded a different Polly.Core (and PowerShell its own Newtonsoft.Json): ClawdTalk still
    /// imports and works, because its assembly and dependencies load into a private load context.
    /// </summary>
    public class DependencyClashTests : IClassFixture<SandboxFixture>
    {
        readonly SandboxFixture _sandbox;
        public DependencyClashTests(SandboxFixture sandbox) { _sandbox = sandbox; }

        /// <summary>Writes an assembly named Polly.Core, version 7.0.0.0, with one type: another module's Polly.</summary>
        static string FakePolly()
        {
            var dir = TestEnvironment.NewTempDir();
            var path = Path.Combine(dir, "Polly.Core.dll");
            var builder = new PersistedAssemblyBuilder(new AssemblyName("Polly.Core") { Version = new Version(7, 0, 0, 0) }, typeof(object).Assembly);
            var module = builder.DefineDynamicModule("Polly.Core");
            module.DefineType("Polly.OtherModulesPolly", TypeAttributes.Public | TypeAttributes.Class).CreateType();
            builder.Save(path);
            return path;
        }

        (int code, string stdout, string stderr) Run(string script, bool isolation)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "clawdtalk.dll"));
            psi.ArgumentList.Add("-Command");
            psi.ArgumentList.Add(script);
            psi.Environment["CLAWDTALK_MODULE"] = "none"; // the script imports the module itself, after the other module's Polly
            psi.Environment.Remove("CLAWDTALK_NO_ISOLATION");
            if (!isolation) psi.Environment["CLAWDTALK_NO_ISOLATION"] = "1";
            psi.Environment["CLAWDTALK_API_KEY"] = _sandbox.Key;
            psi.Environment["CLAWDTALK_API_URL"] = _sandbox.Url + "/v1";
            using var p = Process.Start(psi)!;
            var o = p.StandardOutput.ReadToEndAsync(); var e = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(120_000));
            return (p.ExitCode, o.Result, e.Result);
        }

        string Script => $@"
$null = [System.Reflection.Assembly]::LoadFrom('{FakePolly()}')
Import-Module '{ModuleLocation.Manifest}' -ErrorAction Stop
$r = Test-ClawdTalkConnection
'status=' + $r.Status
[System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -in 'Polly.Core','Newtonsoft.Json' }} |
    ForEach-Object {{ 'loaded ' + $_.GetName().Name + ' ' + $_.GetName().Version + ' in ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }}";

        [Fact]
        public void Module_works_beside_another_modules_Polly_and_PowerShells_Newtonsoft()
        {
            var (code, stdout, stderr) = Run(Script, isolation: true);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("status=Ok", stdout);
            Assert.Contains("loaded Polly.Core 7.0.0.0 in Default", stdout);      // the other module's stays where it was
            Assert.Contains("loaded Polly.Core 8.0.0.0 in ClawdTalk", stdout);    // ours is private
            Assert.Contains("loaded Newtonsoft.Json 13.0.0.0 in ClawdTalk", stdout);
            Assert.DoesNotContain(_sandbox.Key, stdout + stderr);
        }

        [Fact]
        public void Without_the_private_load_context_the_same_clash_breaks_the_module()
        {
            // The control experiment: proves the test above can fail.
            var (_, stdout, stderr) = Run(Script, isolation: false);
            Assert.DoesNotContain("status=Ok", stdout);
            Assert.Contains("Polly.Core", stdout + stderr);
        }
    }
}
