using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;
using ClawdTalk.Bridge;
using ClawdTalk.Tests.Harness;
using Xunit;

namespace ClawdTalk.Tests.Bridge
{
    /// <summary>
    /// The service units a bridge is installed with: a systemd user unit that systemd-analyze verifies, a launchd plist and
    /// a Task Scheduler XML that parse and name what they must; none of them holds a secret.
    /// </summary>
    public class BridgeServiceTests
    {
        static string HostDll => Path.Combine(AppContext.BaseDirectory, "clawdtalk.dll");

        static BridgeServiceDefinition Definition(string name = "home")
        {
            var spec = BridgeLaunchSpec.For(HostDll, ModuleLocation.ModuleFolder, $"-Name '{name}' -RunMode Service -EnvironmentFile '/home/u/.config/clawdtalk/bridge/service-{name}.env'");
            return BridgeServiceDefinition.For(name, spec, "/tmp", "/tmp/x.console.log", @"HOST\ada");
        }

        /// <summary>Runs systemd-analyze verify on a unit file; returns its exit code and what it printed about the unit.</summary>
        static (int code, string output) Verify(string unitPath)
        {
            const string tool = "/usr/bin/systemd-analyze";
            Assert.True(File.Exists(tool), "systemd-analyze is needed (Debian package systemd)");
            var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("verify");
            psi.ArgumentList.Add(unitPath);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }

        [Fact]
        public void The_systemd_unit_restarts_on_failure_and_passes_systemd_analyze_verify()
        {
            var d = Definition();
            d.Environment["WITH_SPECIALS"] = "50% of $HOME \"quoted\"";
            var text = BridgeServiceUnits.Systemd(d);
            Assert.Contains("\nRestart=on-failure\n", text);
            Assert.Contains("\nWantedBy=default.target\n", text);
            Assert.Contains("ExecStart=\"" + d.Program + "\"", text);
            Assert.Contains("Start-ClawdTalkBridge -Wait -Name 'home' -RunMode Service -EnvironmentFile", text);
            Assert.Contains("Environment=\"WITH_SPECIALS=50%% of $$HOME \\\"quoted\\\"\"", text);
            var dir = TestEnvironment.NewTempDir();
            var path = Path.Combine(dir, d.SystemdUnitName);
            File.WriteAllText(path, text);
            var (code, output) = Verify(path);
            Assert.True(code == 0, $"systemd-analyze verify failed ({code}):\n{output}\n{text}");
            Assert.DoesNotContain(d.SystemdUnitName, output); // no warning about our unit
        }

        [Fact]
        public void A_unit_with_a_bad_line_fails_verification() // the check itself can fail
        {
            var d = Definition();
            var dir = TestEnvironment.NewTempDir();
            var path = Path.Combine(dir, d.SystemdUnitName);
            File.WriteAllText(path, BridgeServiceUnits.Systemd(d).Replace("ExecStart=\"" + d.Program + "\"", "ExecStart=\"/nonexistent/pwsh\""));
            Assert.NotEqual(0, Verify(path).code);
        }

        [Fact]
        public void The_launchd_plist_is_well_formed_and_keeps_the_bridge_alive()
        {
            var d = Definition();
            var xml = BridgeServiceUnits.Launchd(d);
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            var doc = XDocument.Load(reader);
            Assert.Equal("plist", doc.Root!.Name.LocalName);
            var keys = doc.Root.Element("dict")!.Elements().ToList();
            XElement ValueOf(string key) => keys[keys.FindIndex(e => e.Name == "key" && e.Value == key) + 1];
            Assert.Equal("com.clawdtalk.bridge.home", ValueOf("Label").Value);
            var args = ValueOf("ProgramArguments").Elements("string").Select(e => e.Value).ToList();
            Assert.Equal(d.Program, args[0]);
            Assert.Contains(args, a => a.Contains("Start-ClawdTalkBridge -Wait"));
            Assert.Equal("true", ValueOf("RunAtLoad").Name.LocalName);
            var keepAlive = ValueOf("KeepAlive").Elements().ToList();
            Assert.Equal("SuccessfulExit", keepAlive[0].Value);
            Assert.Equal("false", keepAlive[1].Name.LocalName);
            Assert.Equal(ModuleLocation.Manifest, ValueOf("EnvironmentVariables").Elements().SkipWhile(e => e.Value != "CLAWDTALK_MODULE").Skip(1).First().Value);
            Assert.Contains("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\"", xml);
        }

        [Fact]
        public void The_task_XML_is_well_formed_starts_at_logon_and_restarts_on_failure()
        {
            var d = Definition();
            var xml = BridgeServiceUnits.TaskXml(d);
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-16\"?>", xml, StringComparison.OrdinalIgnoreCase);
            var doc = XDocument.Parse(xml);
            var ns = BridgeServiceUnits.TaskNs;
            Assert.Equal(ns + "Task", doc.Root!.Name);
            Assert.Equal(@"HOST\ada", doc.Root.Element(ns + "Triggers")!.Element(ns + "LogonTrigger")!.Element(ns + "UserId")!.Value);
            var settings = doc.Root.Element(ns + "Settings")!;
            Assert.Equal("PT1M", settings.Element(ns + "RestartOnFailure")!.Element(ns + "Interval")!.Value);
            Assert.Equal("PT0S", settings.Element(ns + "ExecutionTimeLimit")!.Value);
            var exec = doc.Root.Element(ns + "Actions")!.Element(ns + "Exec")!;
            Assert.Equal(d.Program, exec.Element(ns + "Command")!.Value);
            Assert.Contains("Start-ClawdTalkBridge -Wait", exec.Element(ns + "Arguments")!.Value);
            Assert.Equal(@"\ClawdTalk\Bridge home", doc.Root.Element(ns + "RegistrationInfo")!.Element(ns + "URI")!.Value);
        }

        [Fact]
        public void Environment_files_parse_like_systemd_s()
        {
            var values = BridgeEnvironmentFile.Parse("# comment\nA=1\nexport B = two words\nC=\"quoted # not a comment\"\n\n; other comment\nD='x'\nnot a line\n");
            Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two words", ["C"] = "quoted # not a comment", ["D"] = "x" }, values);
        }

        [Fact]
        public void Install_writes_the_unit_and_a_private_environment_file_and_Uninstall_removes_them()
        {
            var key = Keys.NewApiKey();
            var token = Keys.NewGatewayToken();
            using var ps = new PsSession().Secret(key, token);
            var dir = TestEnvironment.NewTempDir();
            var vars = new Dictionary<string, object?> { ["key"] = SecureStrings.From(key), ["gwt"] = SecureStrings.From(token), ["dir"] = dir, ["exe"] = HostDll };
            foreach (var platform in new[] { "Systemd", "Launchd", "TaskScheduler" })
            {
                var name = "svc" + platform;
                var r = ps.Run($"Connect-ClawdTalk -ApiKey $key -Server http://127.0.0.1:9; Install-ClawdTalkBridgeService -Name {name} -Platform {platform} -Executable $exe -GatewayToken $gwt -UnitDirectory $dir -NoStart", vars).Ok();
                var info = r.Single<BridgeServiceInfo>();
                Assert.False(info.Registered);
                Assert.True(File.Exists(info.UnitPath), info.UnitPath);
                var unit = File.ReadAllText(info.UnitPath);
                Assert.DoesNotContain(key, unit);
                Assert.DoesNotContain(token, unit);
                Assert.DoesNotContain(key, info.Command);
                Assert.Contains(info.EnvironmentFile!, unit);
                var env = File.ReadAllText(info.EnvironmentFile!);
                Assert.Contains("CLAWDTALK_API_KEY=" + key, env);
                Assert.Contains("CLAWDTALK_BRIDGE_GATEWAY_TOKEN=" + token, env);
                if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(info.EnvironmentFile!));
                if (platform == "Systemd")
                {
                    var (code, output) = Verify(info.UnitPath);
                    Assert.True(code == 0, output);
                }
                ps.Run($"Install-ClawdTalkBridgeService -Name {name} -Platform {platform} -Executable $exe -UnitDirectory $dir -NoStart", vars).Error("BridgeServiceExists");
                var removed = ps.Run($"Uninstall-ClawdTalkBridgeService -Name {name} -Platform {platform} -UnitDirectory $dir -NoStop -Confirm:$false", vars).Ok().Single<BridgeServiceInfo>();
                Assert.False(File.Exists(info.UnitPath));
                Assert.False(File.Exists(info.EnvironmentFile));
                Assert.Equal(info.UnitPath, removed.UnitPath);
            }
            ps.Run("Uninstall-ClawdTalkBridgeService -Name nothing -Platform Systemd -UnitDirectory $dir -Confirm:$false", vars).Error("BridgeServiceNotFound");
        }
    }
}
