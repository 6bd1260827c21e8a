using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Security.Cryptography;
using ClawdTalk.Boundary;
using ClawdTalk.Bridge;
using ClawdTalk.Pollers;
using ClawdTalk.Tests.Harness;
using ClawdTalk.Tests.Polling;
using Xunit;

namespace ClawdTalk.Tests.Reliability
{
    /// <summary>A sandbox with a mission, and a private config and state file that no refused input may change.</summary>
    public sealed class BoundaryFixture : SandboxHarness
    {
        public string Dir { get; } = TestEnvironment.NewTempDir();
        public string ConfigPath => Path.Combine(Dir, "skill-config.json");
        public string StatePath => Path.Combine(Dir, "missions_state.json");
        public string Slug { get; private set; } = "";

        public void EnsureMission()
        {
            if (Slug.Length > 0) return;
            File.WriteAllText(ConfigPath, "{\n  \"owner_name\": \"Ada\"\n}\n");
            using var ps = Session();
            ps.Run("Initialize-ClawdTalkMission -Name 'Boundary mission' -Instructions 'i' -Request 'r' -Step research, calls | Add-ClawdTalkAgent -Instructions 'You call shops.' -Confirm:$false").Ok();
            Slug = "boundary-mission";
        }
    }

    /// <summary>
    /// The data boundary (Boundary/): outside text is validated where it enters and refused or made visible where it
    /// leaves, whatever cmdlet or file it passes through. The first theory enumerates every text parameter of every
    /// cmdlet by reflection, so a new cmdlet is covered without a line here.
    /// </summary>
    [Collection("Environment")]
    public sealed class BoundaryTests : IClassFixture<BoundaryFixture>, IDisposable
    {
        readonly BoundaryFixture _fx;
        readonly string? _savedConfig = Environment.GetEnvironmentVariable("CLAWDTALK_CONFIG");
        readonly string? _savedState = Environment.GetEnvironmentVariable("CLAWDTALK_STATE");

        public BoundaryTests(BoundaryFixture fx)
        {
            _fx = fx;
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", fx.ConfigPath);
            Environment.SetEnvironmentVariable("CLAWDTALK_STATE", fx.StatePath);
            fx.EnsureMission();
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", _savedConfig);
            Environment.SetEnvironmentVariable("CLAWDTALK_STATE", _savedState);
        }

        static readonly Assembly Module = typeof(ClawdTalk.Commands.Base.ClawdTalkCmdlet).Assembly;

        /// <summary>Every (cmdlet, text parameter) of the module: string and string[] parameters of every cmdlet class.</summary>
        public static IEnumerable<object[]> TextParameters() =>
            Module.GetTypes()
                .Select(t => (type: t, cmdlet: t.GetCustomAttribute<CmdletAttribute>()))
                .Where(x => x.cmdlet != null && !x.type.IsAbstract)
                .SelectMany(x => x.type.GetProperties(BindingFlags.Instance | BindingFlags.Public)
                    .Where(p => (p.PropertyType == typeof(string) || p.PropertyType == typeof(string[])) && p.GetCustomAttributes<ParameterAttribute>(true).Any())
                    .Select(p => new object[] { x.cmdlet!.VerbName + "-" + x.cmdlet.NounName, p.Name }))
                .OrderBy(r => (string)r[0]).ThenBy(r => (string)r[1]);

        [Fact]
        public void The_enumeration_finds_the_module_s_text_parameters()
        {
            var rows = TextParameters().Select(r => $"{r[0]} -{r[1]}").ToList();
            Assert.True(rows.Count > 150, $"only {rows.Count} text parameters found");
            Assert.Contains("Send-ClawdTalkSms -Message", rows);
            Assert.Contains("Register-ClawdTalkPoller -Slug", rows);
            Assert.Contains("Initialize-ClawdTalkMission -Name", rows);
        }

        /// <summary>
        /// Builds a call of <c>$name</c> in a parameter set holding <c>$param</c>, with a stand-in for each other mandatory
        /// parameter, <c>$param</c> set to <c>$bad</c>, and runs it. Sets that need an object from the pipeline are avoided.
        /// </summary>
        const string Invoke = @"
            $cmd = Get-Command $name
            $sets = @($cmd.ParameterSets | Where-Object { $_.Parameters.Name -contains $param -and -not ($_.Parameters | Where-Object { $_.IsMandatory -and $_.Name -eq 'InputObject' }) })
            if ($sets.Count -eq 0) { $sets = @($cmd.ParameterSets | Where-Object { $_.Parameters.Name -contains $param }) }
            $set = $sets | Sort-Object { @($_.Parameters | Where-Object IsMandatory).Count } | Select-Object -First 1
            $p = @{}
            foreach ($m in @($set.Parameters | Where-Object { $_.IsMandatory -and $_.Name -ne $param })) {
                $t = $m.ParameterType
                $p[$m.Name] = switch -Regex ($m.Name) {
                    '^Slug$' { $slug; break }
                    '^MissionId$' { $mid; break }
                    '^RunId$' { $rid; break }
                    'Id$' { if ($t -eq [int[]]) { 99999 } elseif ($t -eq [guid[]]) { [guid]::NewGuid() } else { 'id_1' }; break }
                    '^(To|Phone)$' { '+12125550142'; break }
                    '^ApiKey$' { $key; break }
                    '^Step$' { 'research'; break }
                    default {
                        if ($t -eq [switch]) { $true }
                        elseif ($t -eq [string] -or $t -eq [string[]] -or $t -eq [object] -or $t -eq [object[]]) { 'x' }
                        elseif ($t.IsEnum) { [enum]::GetValues($t)[0] }
                        else { $null }
                    }
                }
            }
            $p[$param] = $bad
            if ($cmd.Parameters.ContainsKey('Confirm')) { $p['Confirm'] = $false }
            & $name @p -ErrorAction Continue -WarningAction SilentlyContinue";

        static string HashOf(string path) => File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "none";

        [Theory]
        [MemberData(nameof(TextParameters))]
        public void Every_text_parameter_refuses_control_characters_before_anything_is_sent_or_stored(string cmdlet, string parameter)
        {
            var state = HashOf(_fx.StatePath);
            var config = HashOf(_fx.ConfigPath);
            var crontab = Crontab.Installed ? Crontab.Read() : null;
            using var ps = _fx.Session();
            var m = ps.Run("Get-ClawdTalkMissionState -Slug $slug", _fx.Vars(("slug", _fx.Slug))).Ok().Single<MissionState>();
            foreach (var bad in new[] { "bad\u001b]0;owned\u0007\u001b[2Jtext", "line one\nline two\u0085", "tab\there\r\u0000" })
            {
                // a newline alone is text (allowed) unless the value is a slug or an id: the first value has no newline
                var mark = _fx.Mark();
                var r = ps.Run(Invoke, _fx.Vars(("name", cmdlet), ("param", parameter), ("bad", bad), ("slug", _fx.Slug), ("mid", m.MissionId), ("rid", m.RunId)));
                var ids = r.ErrorIds;
                var expected = parameter == "Slug" ? "InvalidSlug" : parameter.EndsWith("Id", StringComparison.Ordinal) && parameter.Length > 2 ? "InvalidId" : "ControlCharacterInText";
                Assert.True(ids.Any(id => id == expected || id == "ParameterArgumentValidationError"),
                    $"{cmdlet} -{parameter} '{OutsideText.Visible(bad)}': expected {expected}, got [{string.Join("; ", ids)}]");
                Assert.Empty(SandboxHarness.Writes(_fx.Log(mark)));
                Assert.DoesNotContain(_fx.Log(mark), e => (string?)e["method"] != "GET");
            }
            Assert.Equal(state, HashOf(_fx.StatePath));
            Assert.Equal(config, HashOf(_fx.ConfigPath));
            if (Crontab.Installed) Assert.Equal(crontab, Crontab.Read());
        }

        [Fact]
        public void Slugs_with_homoglyphs_traversal_or_too_many_characters_are_refused_with_the_slug_they_meant()
        {
            using var ps = _fx.Session();
            foreach (var (slug, hint) in new[]
            {
                ("boundary-m\u0456ssion", "Did you mean"),           // Cyrillic і
                ("../../etc/cron.d/x", "Did you mean 'etc-cron-d-x'"),
                ("Boundary-Mission", "Did you mean 'boundary-mission'"),
                (new string('a', 129), "longer than 128"),
            })
            {
                var r = ps.Run("Get-ClawdTalkMemory -Slug $s", _fx.Vars(("s", slug)));
                var e = r.Error("InvalidSlug", ErrorCategory.InvalidArgument);
                Assert.Contains(hint, e.ToString());
            }
        }

        [Fact]
        public void A_CSV_row_with_a_control_character_is_refused_and_the_other_rows_are_scheduled()
        {
            var csv = Path.Combine(_fx.Dir, "shops.csv");
            File.WriteAllText(csv, "Name,Phone\nGood shop,+12125550151\n\"Bad\u001b[31m shop\",+12125550152\nOther shop,+12125550153\n");
            using var ps = _fx.Session();
            var mark = _fx.Mark();
            var r = ps.Run("Import-Csv $csv | Register-ClawdTalkCall -Slug $slug -At ([datetime]::UtcNow.AddDays(1)) -Force", _fx.Vars(("csv", csv), ("slug", _fx.Slug)));
            var e = r.Error("ControlCharacterInText", ErrorCategory.InvalidArgument);
            Assert.Contains("U+001B (ESC)", e.ToString());
            Assert.Equal(2, r.Objects<ScheduledEvent>().Count);
            var posted = _fx.Requests(mark, "POST", "/v1/assistants/").Select(x => (string)x["body"]!).ToList();
            Assert.Equal(2, posted.Count);
            Assert.DoesNotContain(posted, b => b.Contains("+12125550152"));
        }

        [Fact]
        public void What_the_service_and_strangers_say_is_shown_with_its_control_characters_visible()
        {
            // a stranger's text that would retitle the terminal, clear it and ring the bell
            var body = "hi\u001b]0;PWNED\u0007\u001b[2J\u001b[31mred\u009b1m";
            _fx.Control("sms/inbound", new { from = "+12125550177", body });
            using var ps = _fx.Session();
            foreach (var script in new[]
            {
                "Get-ClawdTalkMessage -Contact '+12125550177' | Format-Table | Out-String -Width 200",
                "Get-ClawdTalkMessage -Contact '+12125550177' | Format-List * | Out-String -Width 200",
                "Get-ClawdTalkConversation | Out-String -Width 200",
                "Get-ClawdTalkMessage -Contact '+12125550177' | ConvertTo-Json -Depth 4",
            })
            {
                var text = string.Concat(ps.Run(script).Ok().Output.Select(o => o.ToString()));
                Assert.DoesNotContain('\u001b', text);
                Assert.DoesNotContain('\u0007', text);
                Assert.DoesNotContain('\u009b', text);
                Assert.Contains(script.Contains("ConvertTo-Json") ? "\u241b" : "␛]0;PWNED", text);
            }
        }

        [Fact]
        public void A_state_file_written_by_another_program_is_shown_with_visible_controls_and_its_unusable_entries_are_not_listed()
        {
            var path = Path.Combine(_fx.Dir, "foreign-state.json");
            File.WriteAllText(path, "{\n" +
                "  \"shown-safely\": {\"mission_name\": \"Plumbers\\u001b[2J\\u001b]0;x\\u0007\", \"mission_id\": \"mis_1\", \"run_id\": \"run_1\", \"memory\": {\"note\\u001b[1m\": \"a\\u001b[31mb\"}},\n" +
                "  \"x\\n* * * * * touch /tmp/clawdtalk-pwned #\": {\"mission_name\": \"evil\", \"mission_id\": \"mis_2\", \"run_id\": \"run_2\"},\n" +
                "  \"bad-id\": {\"mission_name\": \"bad id\", \"mission_id\": \"mis\\n3\", \"run_id\": \"run_3\"}\n}\n");
            var before = File.ReadAllText(path);
            using var ps = _fx.Session();
            var r = ps.Run("$env:CLAWDTALK_STATE = $p; Get-ClawdTalkMissionState | Format-List * | Out-String -Width 200; Get-ClawdTalkMemory -Slug shown-safely | Out-String",
                _fx.Vars(("p", path)));
            var text = string.Concat(r.Ok().Output.Select(o => o.ToString()));
            Assert.Contains("shown-safely", text);
            Assert.Contains("Plumbers␛[2J", text);
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain("evil", text);
            Assert.DoesNotContain("bad id", text);
            var named = ps.Run("$env:CLAWDTALK_STATE = $p; Get-ClawdTalkMemory -Slug bad-id", _fx.Vars(("p", path)));
            Assert.Contains("mission_id", named.Error("StateEntryInvalid", ErrorCategory.InvalidData).ToString());
            Assert.Equal(before, File.ReadAllText(path));
        }

        /// <summary>The clawdtalk host beside the tests: a program a poller may run.</summary>
        static readonly string Exe = Path.Combine(AppContext.BaseDirectory, "clawdtalk");

        [CronFact]
        public void A_newline_in_a_state_file_key_never_reaches_the_crontab()
        {
            // the issue's reproduction: an imported state file whose key holds a newline and a cron job
            var marker = Path.Combine(_fx.Dir, "pwned");
            var evil = "x\n* * * * * touch " + marker + " #";
            var source = Path.Combine(_fx.Dir, "evil-state.json");
            File.WriteAllText(source, new Newtonsoft.Json.Linq.JObject
            {
                [evil] = new Newtonsoft.Json.Linq.JObject { ["mission_name"] = "evil", ["mission_id"] = "mis_9", ["run_id"] = "run_9" },
            }.ToString());
            var before = Crontab.Read();
            using var ps = _fx.Session();
            var import = ps.Run("Import-ClawdTalkMissionState -Path $p -Force", _fx.Vars(("p", source)));
            import.Error("StateEntryInvalid", ErrorCategory.InvalidData);
            Assert.Empty(import.Output);
            ps.Run("Register-ClawdTalkPoller -Slug $s -Executable $exe -Confirm:$false", _fx.Vars(("s", evil), ("exe", Exe))).Error("InvalidSlug", ErrorCategory.InvalidArgument);
            ps.Run("[pscustomobject]@{ Slug = $s } | Register-ClawdTalkPoller -Executable $exe -Confirm:$false", _fx.Vars(("s", evil), ("exe", Exe))).Error("InvalidSlug", ErrorCategory.InvalidArgument);
            ps.Run("$env:CLAWDTALK_STATE = $p; Get-ClawdTalkMissionState | Register-ClawdTalkPoller -Executable $exe -Confirm:$false", _fx.Vars(("p", source), ("exe", Exe))).Ok();
            Assert.Equal(before, Crontab.Read());
            Assert.False(File.Exists(marker));
            // and the sink refuses it by itself, whatever the caller checked
            var spec = new PollerSpec(evil, TimeSpan.FromMinutes(5), PollerCommand.For("boundary-mission", Exe, "/tmp"), DateTimeOffset.UtcNow);
            var ex = Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => CronScheduler.LinesFor(spec));
            Assert.Equal("UnsafeSinkValue", ex.ErrorId);
        }

        [Fact]
        public void Poller_files_cannot_leave_their_folder()
        {
            foreach (var slug in new[] { "../escape", "a/b", "..", "x\ny", "" })
            {
                var ex = Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => PollerPaths.LogFile(slug));
                Assert.Equal("InvalidSlug", ex.ErrorId);
            }
            Assert.Equal(Path.Combine(PollerPaths.Directory, "fine-slug.log"), PollerPaths.LogFile("fine-slug"));
        }

        [Fact]
        public void Service_units_and_the_environment_file_refuse_a_control_character_in_every_field()
        {
            BridgeServiceDefinition Good() => new BridgeServiceDefinition
            {
                Name = "main", Program = "/usr/bin/pwsh", Arguments = { "-NoProfile", "-Command", "Start-ClawdTalkBridge -Wait" },
                Environment = { ["CLAWDTALK_CONFIG"] = "/home/u/.config/clawdtalk/skill-config.json" }, WorkingDirectory = "/home/u", ConsoleLog = "/home/u/bridge.log", UserId = "u",
            };
            Assert.Contains("ExecStart=", BridgeServiceUnits.Systemd(Good()));
            var bad = "x\nExecStartPre=/bin/touch /tmp/owned";
            var mutations = new List<(string field, Action<BridgeServiceDefinition> set)>
            {
                ("Name", d => d.Name = bad), ("Program", d => d.Program = bad), ("Argument", d => d.Arguments.Add(bad)),
                ("Environment value", d => d.Environment["X"] = bad), ("Environment name", d => d.Environment["X Y"] = "1"),
                ("WorkingDirectory", d => d.WorkingDirectory = bad), ("ConsoleLog", d => d.ConsoleLog = bad), ("UserId", d => d.UserId = "u\r\n"),
            };
            foreach (var (field, set) in mutations)
                foreach (var unit in new Func<BridgeServiceDefinition, string>[] { BridgeServiceUnits.Systemd, BridgeServiceUnits.Launchd, BridgeServiceUnits.TaskXml })
                {
                    var d = Good();
                    set(d);
                    var ex = Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => unit(d));
                    Assert.True(ex.ErrorId == "UnsafeSinkValue", $"{field}: {ex.ErrorId}");
                }
            var envEx = Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => BridgeServiceUnits.EnvironmentFile(new[] { new KeyValuePair<string, string>("CLAWDTALK_API_KEY", "k\nEVIL=1") }));
            Assert.Equal("UnsafeSinkValue", envEx.ErrorId);
            // a service name that would put its environment file elsewhere: the parameter refuses it, and the path rule would too
            using var ps = _fx.Session();
            var r = ps.Run("Install-ClawdTalkBridgeService -Name '../../outside' -NoStart -Force");
            Assert.Contains("ParameterArgumentValidationError", r.ErrorIds);
            Assert.Equal("UnsafeSinkValue", Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => BridgeServiceInstaller.EnvironmentFilePath("../../outside")).ErrorId);
            Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(BridgeFiles.Directory)!, "..", "outside.env")));
        }

        [Fact]
        public void Command_line_quoting_refuses_line_breaks_and_escapes_every_PowerShell_quote()
        {
            Assert.Equal("'a''b\u2018\u2018c\u201a\u201ad\u201b\u201be'", CommandLine.QuotePs("a'b\u2018c\u201ad\u201be"));
            foreach (var f in new Func<string, string>[] { CommandLine.QuotePs, CommandLine.QuoteSh, CommandLine.QuoteWindows })
                Assert.Equal("UnsafeSinkValue", Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => f("a\nb")).ErrorId);
        }

        [Fact]
        public void Files_are_never_written_or_locked_through_a_symbolic_link()
        {
            if (OperatingSystem.IsWindows()) return;
            var dir = TestEnvironment.NewTempDir();
            var target = Path.Combine(dir, "precious.txt");
            File.WriteAllText(target, "precious\n");
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var state = Path.Combine(dir, "missions_state.json");
            File.CreateSymbolicLink(state + ".lock", target);
            using var ps = _fx.Session();
            var r = ps.Run("$env:CLAWDTALK_STATE = $p; Initialize-ClawdTalkMission -Name 'Linked lock' -Instructions i -Request r -Step calls", _fx.Vars(("p", state)));
            Assert.Contains("FileIsSymbolicLink", r.ErrorIds);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(target));
            Assert.Equal("precious\n", File.ReadAllText(target));
            // the state file itself, and the config file
            File.Delete(state + ".lock");
            File.CreateSymbolicLink(state, target);
            ps.Run("$env:CLAWDTALK_STATE = $p; Get-ClawdTalkMissionState", _fx.Vars(("p", state))).Error("FileIsSymbolicLink", ErrorCategory.SecurityError);
            var config = Path.Combine(dir, "skill-config.json");
            File.CreateSymbolicLink(config, target);
            ps.Run("$env:CLAWDTALK_CONFIG = $p; Set-ClawdTalkConfiguration -OwnerName Bob", _fx.Vars(("p", config))).Error("FileIsSymbolicLink", ErrorCategory.SecurityError);
            Assert.Equal("precious\n", File.ReadAllText(target));
        }

        [Fact]
        public void An_oversized_state_file_is_a_typed_error_and_is_left_as_it_is()
        {
            var path = Path.Combine(_fx.Dir, "huge-state.json");
            using (var fs = new FileStream(path, FileMode.Create)) fs.SetLength(ClawdTalk.State.MissionStateStore.MaxFileBytes + 1); // sparse: no disk used
            using var ps = _fx.Session();
            var r = ps.Run("$env:CLAWDTALK_STATE = $p; Get-ClawdTalkMissionState", _fx.Vars(("p", path)));
            r.Error("FileTooLarge", ErrorCategory.LimitsExceeded);
            Assert.Equal(ClawdTalk.State.MissionStateStore.MaxFileBytes + 1, new FileInfo(path).Length);
        }

        [Fact]
        public void Times_and_lengths_out_of_range_are_typed_errors_and_send_nothing()
        {
            using var ps = _fx.Session();
            var mark = _fx.Mark();
            var v = _fx.Vars(("slug", _fx.Slug));
            ps.Run("'+12125550161' | Register-ClawdTalkCall -Slug $slug -At ([datetime]::MaxValue) -Force", v).Error("InvalidScheduleTime", ErrorCategory.InvalidArgument);
            ps.Run("'+12125550161' | Register-ClawdTalkCall -Slug $slug -At ([datetime]::MinValue) -Force", v).Error("InvalidScheduleTime", ErrorCategory.InvalidArgument);
            ps.Run("'+12125550161' | Register-ClawdTalkCall -Slug $slug -At ([datetime]::UtcNow.AddYears(20)) -Force", v).Error("ScheduleTooFar", ErrorCategory.InvalidArgument);
            ps.Run("'+12125550161' | Register-ClawdTalkCall -Slug $slug -Stagger ([timespan]::MaxValue) -Force", v).Error("InvalidStagger", ErrorCategory.InvalidArgument);
            ps.Run("[pscustomobject]@{ Phone = '+12125550161'; At = '9999-12-31T23:59:59' } | Register-ClawdTalkCall -Slug $slug -Force", v).Error("InvalidScheduleTime", ErrorCategory.InvalidArgument);
            var name = new string('n', 100 * 1024);
            ps.Run("Initialize-ClawdTalkMission -Name $n -Instructions i -Request r -Step calls", _fx.Vars(("n", name))).Error("TextTooLong", ErrorCategory.InvalidArgument);
            Assert.Empty(SandboxHarness.Writes(_fx.Log(mark)));
            // a long name that is allowed gets a slug of at most 128 characters, cut between words
            var longName = string.Join(" ", Enumerable.Repeat("plumbers", 22));
            Assert.True(longName.Length <= ParameterRules.MaxNameLength);
            var slug = Slugs.From(longName);
            Assert.True(slug.Length <= Slugs.MaxLength && Slugs.IsValid(slug) && slug.EndsWith("plumbers", StringComparison.Ordinal), slug);
        }

        [Fact]
        public void A_corrupt_store_warns_before_anything_is_sent()
        {
            var path = Path.Combine(_fx.Dir, "corrupt-state.json");
            File.WriteAllText(path, "{ this is not json");
            using var ps = _fx.Session();
            var m = ps.Run("Get-ClawdTalkMissionState -Slug $slug", _fx.Vars(("slug", _fx.Slug))).Ok().Single<MissionState>();
            var mark = _fx.Mark();
            // with -WarningAction Stop the warning ends the command: had it come after the request, the request would be in the log
            var r = ps.Run("$env:CLAWDTALK_STATE = $p; '+12125550171' | Register-ClawdTalkCall -MissionId $mid -RunId $rid -AssistantId $aid -From $from -Force -WarningAction Stop",
                _fx.Vars(("p", path), ("mid", m.MissionId), ("rid", m.RunId), ("aid", m.AssistantId), ("from", m.AgentPhone)));
            Assert.Contains("StateFileInvalid", r.AllText());
            Assert.Empty(SandboxHarness.Writes(_fx.Log(mark)));
            Assert.Equal("{ this is not json", File.ReadAllText(path));
        }

        [Fact]
        public void Visible_and_Clean_follow_the_one_rule()
        {
            Assert.Equal("a␛[2Jb␇c\td\ne\\u0085f␡", OutsideText.Visible("a\u001b[2Jb\u0007c\td\ne\u0085f\u007f"));
            Assert.Equal("one\ntwo", OutsideText.Visible("one\r\ntwo"));
            Assert.Equal("x\\u202Ey", OutsideText.Visible("x\u202Ey"));
            const string plain = "nothing to change";
            Assert.Same(plain, OutsideText.Visible(plain));
            Assert.Equal("one\ntwo", OutsideText.Clean("one\r\ntwo", "-Message"));
            var ex = Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => OutsideText.Clean("lone\rcarriage", "-Message"));
            Assert.Equal("ControlCharacterInText", ex.ErrorId);
            Assert.Contains("U+000D (CR) at position 5", ex.Message);
        }
    }
}
