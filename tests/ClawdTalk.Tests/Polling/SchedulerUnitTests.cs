using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Xml.Linq;
using ClawdTalk.Pollers;
using Xunit;

namespace ClawdTalk.Tests.Polling
{
    /// <summary>A crontab/schtasks stand-in: records every call, keeps a crontab in memory, answers canned schtasks output.</summary>
    internal sealed class RecordingRunner : IProcessRunner
    {
        public readonly List<(string program, string[] args, string? stdin)> Calls = new();
        public string? Crontab;
        public Func<string[], ProcessResult>? Answer;

        public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? stdin = null)
        {
            var args = arguments.ToArray();
            Calls.Add((program, args, stdin));
            if (Answer != null) return Answer(args);
            switch (args[0])
            {
                case "-l": return Crontab == null ? new ProcessResult(1, "", "no crontab for tester\n") : new ProcessResult(0, Crontab, "");
                case "-": Crontab = stdin; return new ProcessResult(0, "", "");
                case "-r": Crontab = null; return new ProcessResult(0, "", "");
                default: return new ProcessResult(2, "", "unexpected");
            }
        }
    }

    internal sealed class RecordingScripts : IScriptRunner
    {
        public readonly List<string> Scripts = new();
        public List<PSObject> Listed = new();
        public IReadOnlyList<PSObject> Invoke(string script)
        {
            Scripts.Add(script);
            return script.StartsWith("Get-ScheduledJob -ErrorAction SilentlyContinue | Where-Object { $_.Name -like", StringComparison.Ordinal) ? Listed : new List<PSObject>();
        }
    }

    /// <summary>The three backends at the level of what they hand to the platform: crontab text, schtasks arguments and task XML, PSScheduledJob scripts.</summary>
    public sealed class SchedulerUnitTests
    {
        static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        static PollerCommand Command(string slug, PollerRunner runner = PollerRunner.Pwsh, string program = "/usr/bin/pwsh", params (string, string)[] env) =>
            new(runner, program, Array.Empty<string>(), "/opt/mods/ClawdTalk/0.1.0/ClawdTalk.psd1",
                env.Select(e => new KeyValuePair<string, string>(e.Item1, e.Item2)).ToList(), slug, "/home/u/.config/clawdtalk/pollers/" + slug + ".log");

        static PollerSpec Spec(string slug, TimeSpan interval, PollerCommand? c = null) => new(slug, interval, c ?? Command(slug), At);

        const string UserCrontab = "MAILTO=\"\"\n# backups\n0 3 * * * /usr/local/bin/backup --all  # nightly\n\n@reboot /usr/bin/true\n";

        [Fact]
        public void Cron_register_appends_tagged_lines_and_keeps_every_other_line()
        {
            var runner = new RecordingRunner { Crontab = UserCrontab };
            var cron = new CronScheduler(runner, "/usr/bin/crontab", useLock: false);
            Assert.True(cron.Register(Spec("find-a-plumber", TimeSpan.FromMinutes(5), Command("find-a-plumber", env: ("CLAWDTALK_STATE", "/home/u/state 1.json")))));
            var lines = runner.Crontab!.Split('\n');
            Assert.StartsWith(UserCrontab, runner.Crontab);
            var line = Assert.Single(lines, l => l.Contains("clawdtalk-poller:find-a-plumber", StringComparison.Ordinal));
            Assert.Equal("*/5 * * * * CLAWDTALK_STATE='/home/u/state 1.json' /usr/bin/pwsh -NoProfile -NonInteractive -Command " +
                         "'Import-Module '\\''/opt/mods/ClawdTalk/0.1.0/ClawdTalk.psd1'\\''; Invoke-ClawdTalkPoll -Slug '\\''find-a-plumber'\\''' " +
                         ">> /home/u/.config/clawdtalk/pollers/find-a-plumber.log 2>&1 # clawdtalk-poller:find-a-plumber every=300s since=2026-03-01T12:00:00Z", line);
            Assert.EndsWith("\n", runner.Crontab);

            // registering again replaces the line (the interval changes), nothing is duplicated
            cron.Register(Spec("find-a-plumber", TimeSpan.FromSeconds(30)));
            var now = runner.Crontab!.Split('\n').Where(l => l.Contains("clawdtalk-poller:find-a-plumber", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, now.Count);
            Assert.StartsWith("* * * * * /usr/bin/pwsh ", now[0]);
            Assert.StartsWith("* * * * * sleep 30; /usr/bin/pwsh ", now[1]);
            Assert.All(now, l => Assert.Contains(" every=30s ", l));
            Assert.StartsWith(UserCrontab, runner.Crontab);

            var entry = Assert.Single(cron.List());
            Assert.Equal("find-a-plumber", entry.Slug);
            Assert.Equal(TimeSpan.FromSeconds(30), entry.Interval);
            Assert.Equal(At, entry.RegisteredAt);
            Assert.Equal("* * * * *; * * * * *", entry.Schedule);
            Assert.Equal("/home/u/.config/clawdtalk/pollers/find-a-plumber.log", entry.LogPath);
            Assert.StartsWith("/usr/bin/pwsh -NoProfile", entry.Command);
        }

        [Fact]
        public void Cron_unregister_removes_exactly_the_slug_and_drops_a_crontab_it_emptied()
        {
            var runner = new RecordingRunner { Crontab = UserCrontab };
            var cron = new CronScheduler(runner, "/usr/bin/crontab", useLock: false);
            cron.Register(Spec("ab", TimeSpan.FromSeconds(30)));
            cron.Register(Spec("abc", TimeSpan.FromHours(1)));
            cron.Register(Spec("a-b", TimeSpan.FromHours(6)));
            Assert.Equal(new[] { "ab", "abc", "a-b" }, cron.List().Select(e => e.Slug));
            Assert.Equal(2, cron.Unregister("ab"));
            Assert.Equal(new[] { "abc", "a-b" }, cron.List().Select(e => e.Slug));
            Assert.Equal(0, cron.Unregister("ab"));
            cron.Unregister("abc");
            cron.Unregister("a-b");
            Assert.Equal(UserCrontab, runner.Crontab);

            // a user who had no crontab has none again
            var empty = new RecordingRunner();
            var c2 = new CronScheduler(empty, "/usr/bin/crontab", useLock: false);
            c2.Register(Spec("x", TimeSpan.FromMinutes(5)));
            Assert.NotNull(empty.Crontab);
            c2.Unregister("x");
            Assert.Null(empty.Crontab);
            Assert.Equal("-r", empty.Calls.Last().args[0]);
        }

        [Fact]
        public void Cron_schedules_follow_the_interval_and_escape_percent()
        {
            string Schedule(TimeSpan i) => CronScheduler.LinesFor(Spec("s", i))[0].Split(" /usr/bin/pwsh")[0];
            Assert.Equal("*/5 * * * *", Schedule(TimeSpan.FromMinutes(5)));
            Assert.Matches(@"^\d{1,2} \* \* \* \*$", Schedule(TimeSpan.FromHours(1)));
            Assert.Matches(@"^\d{1,2} \*/3 \* \* \*$", Schedule(TimeSpan.FromHours(3)));
            Assert.Matches(@"^\d{1,2} \*/6 \* \* \*$", Schedule(TimeSpan.FromHours(6)));
            Assert.Equal(Schedule(TimeSpan.FromHours(1)), Schedule(TimeSpan.FromHours(1))); // stable minute per slug
            var withPercent = CronScheduler.LinesFor(Spec("s", TimeSpan.FromMinutes(5), Command("s", program: "/opt/100%/pwsh")))[0];
            Assert.Contains("/opt/100\\%/pwsh", withPercent);
            Assert.Contains("/opt/100%/pwsh", CronScheduler.CommandOf(withPercent));
        }

        [Fact]
        public void Cron_failures_are_reported_with_the_tool_message()
        {
            var runner = new RecordingRunner { Answer = _ => new ProcessResult(1, "", "crontab: your UID isn't in the passwd file.\n") };
            var cron = new CronScheduler(runner, "/usr/bin/crontab", useLock: false);
            var ex = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => cron.List());
            Assert.Equal("PollerSchedulerFailed", ex.ErrorId);
            Assert.Contains("passwd", ex.Message);
        }

        [Fact]
        public void The_command_carries_paths_only_never_a_key()
        {
            Assert.Throws<ArgumentException>(() => Command("x", env: ("CLAWDTALK_API_KEY", "ctk_secret")));
            Assert.Throws<ArgumentException>(() => Command("x", env: ("OPENCLAW_GATEWAY_TOKEN", "t")));
            var host = Command("x", PollerRunner.ClawdTalkHost, "/opt/clawdtalk/clawdtalk", ("CLAWDTALK_MODULE", "/m/ClawdTalk.psd1"));
            Assert.Equal("Invoke-ClawdTalkPoll -Slug 'x'", host.TickScript); // the host imports the module itself
            Assert.Equal(new[] { "-NoProfile", "-NonInteractive", "-Command", "Invoke-ClawdTalkPoll -Slug 'x'" }, host.Arguments());
            var round = PollerCommand.FromJson(host.ToJson(), "x")!;
            Assert.Equal(host.Program, round.Program);
            Assert.Equal(host.Environment, round.Environment);
            Assert.Equal(host.Runner, round.Runner);
        }

        [Fact]
        public void Interval_table()
        {
            // the published guidance, by the time until the first look (two minutes after the scheduled time)
            var now = At;
            Assert.Equal(TimeSpan.FromSeconds(30), PollInterval.For(now.AddMinutes(10), anyUnderWay: true, now));
            Assert.Equal(TimeSpan.FromSeconds(30), PollInterval.For(now.AddSeconds(-1), false, now));
            Assert.Equal(TimeSpan.FromSeconds(30), PollInterval.For(now.AddMinutes(3), false, now));       // first look in 5 min
            Assert.Equal(TimeSpan.FromMinutes(2), PollInterval.For(now.AddMinutes(4), false, now));         // 6 min
            Assert.Equal(TimeSpan.FromMinutes(2), PollInterval.For(now.AddMinutes(28), false, now));        // 30 min
            Assert.Equal(TimeSpan.FromMinutes(5), PollInterval.For(now.AddMinutes(29), false, now));        // 31 min
            Assert.Equal(TimeSpan.FromMinutes(5), PollInterval.For(now.AddMinutes(58), false, now));        // the hour
            Assert.Equal(TimeSpan.FromMinutes(30), PollInterval.For(now.AddMinutes(59), false, now));
            Assert.Equal(TimeSpan.FromMinutes(30), PollInterval.For(now.AddHours(23), false, now));
            Assert.Equal(TimeSpan.FromHours(4), PollInterval.For(now.AddDays(6), false, now));
            Assert.Equal(TimeSpan.FromHours(8), PollInterval.For(now.AddDays(14), false, now));
            Assert.Equal(TimeSpan.FromHours(1), PollInterval.For(null, false, now));
            // on a sandbox's faster clock the first look is that much sooner here, where the poller ticks
            Assert.Equal(TimeSpan.FromSeconds(30), PollInterval.For(now.AddMinutes(28), false, now, timeScale: 600));  // 30 min there, 3 s here
            Assert.Equal(TimeSpan.FromMinutes(2), PollInterval.For(now.AddHours(10), false, now, timeScale: 60));     // 10 h there, 10 min here
            Assert.Equal(now.AddMinutes(12), PollInterval.FirstLook(now.AddMinutes(10)));
            // every band is an interval the schedulers can run as it is
            foreach (var i in new[] { PollInterval.Due, PollInterval.WithinHalfHour, PollInterval.WithinHour, PollInterval.WithinDay, PollInterval.WithinWeek, PollInterval.Far, PollInterval.Unknown })
                Assert.Equal(i, PollInterval.Normalize(i));
            Assert.Equal(TimeSpan.FromMinutes(5), PollInterval.Normalize(TimeSpan.FromMinutes(4.6)));
            Assert.Equal(TimeSpan.FromSeconds(30), PollInterval.Normalize(TimeSpan.FromSeconds(5)));
        }

        [Fact]
        public void A_tick_before_the_first_look_asks_nothing_only_where_the_service_runs_in_real_time()
        {
            var now = At;
            (bool, bool, string?, DateTimeOffset?) Pending(double minutes) => (false, false, "pending", now.AddMinutes(minutes));
            var ahead = new[] { Pending(10), Pending(30) };
            Assert.True(PollInterval.IsBeforeFirstLook(ahead, 1, now));
            Assert.False(PollInterval.IsBeforeFirstLook(ahead, null, now));          // the service's clock is not known yet
            Assert.False(PollInterval.IsBeforeFirstLook(ahead, 60, now));            // a sandbox: its calls run before their time
            Assert.True(PollInterval.IsBeforeFirstLook(new[] { Pending(10), Pending(-1) }, 1, now));  // past its time, not yet past its first look
            Assert.False(PollInterval.IsBeforeFirstLook(new[] { Pending(10), Pending(-3) }, 1, now)); // past its first look: looked at
            Assert.False(PollInterval.IsBeforeFirstLook(new[] { Pending(10), (false, false, (string?)"in_progress", (DateTimeOffset?)now.AddMinutes(-1)) }, 1, now));
            Assert.False(PollInterval.IsBeforeFirstLook(new[] { Pending(10), (true, false, (string?)"completed", (DateTimeOffset?)now.AddMinutes(-9)) }, 1, now)); // an end to record
            Assert.True(PollInterval.IsBeforeFirstLook(new[] { Pending(10), (true, true, (string?)"completed", (DateTimeOffset?)now.AddMinutes(-9)) }, 1, now));
            Assert.False(PollInterval.IsBeforeFirstLook(new[] { (true, true, (string?)"completed", (DateTimeOffset?)now.AddMinutes(-9)) }, 1, now)); // nothing open
        }

        [Fact]
        public void The_platform_scheduler_here_is_cron()
        {
            if (OperatingSystem.IsWindows()) return;
            Assert.IsType<CronScheduler>(PollerSchedulers.ForPlatform());
        }

        [Fact]
        public void ScheduledTask_creates_from_task_xml_with_pwsh_hidden_noninteractive_and_removes_by_name()
        {
            var xmlPath = Path.Combine(Harness.TestEnvironment.NewTempDir(), "task.xml");
            string? xml = null;
            const string csv = "\"\\ClawdTalk\\poller-find-a-plumber\",\"3/1/2026 12:05:00 PM\",\"Ready\"\r\n\"\\Microsoft\\Windows\\Defrag\\ScheduledDefrag\",\"N/A\",\"Ready\"\r\n";
            var runner = new RecordingRunner
            {
                Answer = args =>
                {
                    if (args[0] == "/Create") xml = File.ReadAllText(xmlPath);
                    if (args[0] == "/Query" && args[1] == "/FO") return new ProcessResult(0, csv, "");
                    if (args[0] == "/Query" && args[1] == "/TN") return new ProcessResult(0, xml ?? "", "");
                    return new ProcessResult(0, "SUCCESS", "");
                },
            };
            var tasks = new ScheduledTaskScheduler(runner, @"C:\Windows\System32\schtasks.exe", useLock: false) { XmlFile = _ => xmlPath };
            var c = new PollerCommand(PollerRunner.Pwsh, @"C:\Program Files\PowerShell\7\pwsh.exe", Array.Empty<string>(), @"C:\Users\u\Documents\PowerShell\Modules\ClawdTalk\0.1.0\ClawdTalk.psd1",
                new List<KeyValuePair<string, string>> { new("CLAWDTALK_STATE", @"C:\Users\u\it's\state.json") }, "find-a-plumber", @"C:\Users\u\AppData\Roaming\ClawdTalk\pollers\find-a-plumber.log");
            tasks.Register(new PollerSpec("find-a-plumber", TimeSpan.FromSeconds(30), c, At));

            var create = runner.Calls.Single(k => k.args[0] == "/Create");
            Assert.Equal(@"C:\Windows\System32\schtasks.exe", create.program);
            Assert.Equal(new[] { "/Create", "/TN", @"\ClawdTalk\poller-find-a-plumber", "/XML", xmlPath, "/F" }, create.args);
            Assert.False(File.Exists(xmlPath)); // the XML file is removed after use

            var doc = XDocument.Parse(xml!);
            XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
            var triggers = doc.Descendants(ns + "TimeTrigger").ToList();
            Assert.Equal(2, triggers.Count); // 30 s: two triggers 30 s apart, each every minute
            Assert.All(triggers, t => Assert.Equal("PT1M", t.Element(ns + "Repetition")!.Element(ns + "Interval")!.Value));
            var starts = triggers.Select(t => DateTime.Parse(t.Element(ns + "StartBoundary")!.Value)).ToList();
            Assert.Equal(TimeSpan.FromSeconds(30), starts[1] - starts[0]);
            Assert.Equal("IgnoreNew", doc.Descendants(ns + "MultipleInstancesPolicy").Single().Value);
            Assert.Equal("true", doc.Descendants(ns + "Hidden").Single().Value);
            Assert.StartsWith("clawdtalk-poller:find-a-plumber every=30s since=2026-03-01T12:00:00Z", doc.Descendants(ns + "Description").Single().Value);
            var exec = doc.Descendants(ns + "Exec").Single();
            Assert.Equal(@"C:\Program Files\PowerShell\7\pwsh.exe", exec.Element(ns + "Command")!.Value);
            Assert.Equal("-NoProfile -NonInteractive -WindowStyle Hidden -Command \"$env:CLAWDTALK_STATE = 'C:\\Users\\u\\it''s\\state.json'; " +
                         "Import-Module 'C:\\Users\\u\\Documents\\PowerShell\\Modules\\ClawdTalk\\0.1.0\\ClawdTalk.psd1'; Invoke-ClawdTalkPoll -Slug 'find-a-plumber' " +
                         "*>> 'C:\\Users\\u\\AppData\\Roaming\\ClawdTalk\\pollers\\find-a-plumber.log'\"", exec.Element(ns + "Arguments")!.Value);

            var listed = Assert.Single(tasks.List());
            Assert.Equal("find-a-plumber", listed.Slug);
            Assert.Equal(TimeSpan.FromSeconds(30), listed.Interval);
            Assert.Contains("PT1M", listed.Schedule);

            runner.Calls.Clear();
            Assert.Equal(1, tasks.Unregister("find-a-plumber"));
            Assert.Equal(new[] { "/Delete", "/TN", @"\ClawdTalk\poller-find-a-plumber", "/F" }, runner.Calls.Last().args);
            Assert.DoesNotContain(runner.Calls, k => k.args.Contains(@"\Microsoft\Windows\Defrag\ScheduledDefrag"));
        }

        [Fact]
        public void ScheduledTask_runs_the_clawdtalk_host_through_cmd_with_its_module_in_the_environment()
        {
            var c = new PollerCommand(PollerRunner.ClawdTalkHost, @"C:\Tools\clawdtalk.exe", Array.Empty<string>(), @"C:\M\ClawdTalk.psd1",
                new List<KeyValuePair<string, string>> { new("CLAWDTALK_MODULE", @"C:\M\ClawdTalk.psd1") }, "s", @"C:\L\s.log");
            var (command, arguments) = ScheduledTaskScheduler.Action(c);
            Assert.EndsWith("cmd.exe", command);
            Assert.Equal("/d /s /c \"set \"CLAWDTALK_MODULE=C:\\M\\ClawdTalk.psd1\" && C:\\Tools\\clawdtalk.exe -NoProfile -NonInteractive -Command \"Invoke-ClawdTalkPoll -Slug 's'\" >> C:\\L\\s.log 2>&1\"", arguments);
            var xml = ScheduledTaskScheduler.TaskXml(new PollerSpec("s", TimeSpan.FromHours(3), c, At)).ToString();
            Assert.Contains("<Interval>PT3H</Interval>", xml);
        }

        [Fact]
        public void ScheduledJob_scripts_register_list_and_unregister_by_job_name()
        {
            var scripts = new RecordingScripts();
            var jobs = new ScheduledJobScheduler(scripts, useLock: false);
            var c = new PollerCommand(PollerRunner.WindowsPowerShell, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", Array.Empty<string>(),
                @"C:\M\ClawdTalk.psd1", new List<KeyValuePair<string, string>>(), "s", @"C:\L\s.log");
            var spec = new PollerSpec("s", TimeSpan.FromMinutes(5), c, At);
            jobs.Register(spec);
            var register = scripts.Scripts.Last();
            Assert.Contains("$name = 'ClawdTalk-poller-s'", register);
            Assert.Contains("New-JobTrigger -Once -At $start -RepetitionInterval ([timespan]::FromSeconds(300)) -RepeatIndefinitely", register);
            Assert.Contains("New-ScheduledJobOption -MultipleInstancePolicy IgnoreNew", register);
            Assert.Contains("Register-ScheduledJob -Name $name -Trigger $triggers", register);
            Assert.Contains("# clawdtalk-poller:s every=300s since=2026-03-01T12:00:00Z\nImport-Module 'C:\\M\\ClawdTalk.psd1'; Invoke-ClawdTalkPoll -Slug 's' *>> 'C:\\L\\s.log'\n", register);
            // the generated script is valid PowerShell
            Assert.Empty(ParseErrors(register));
            var fast = ScheduledJobScheduler.RegisterScript(new PollerSpec("s", TimeSpan.FromSeconds(30), c, At));
            Assert.Contains("-At $start.AddSeconds(30) -RepetitionInterval ([timespan]::FromSeconds(60))", fast);
            Assert.Empty(ParseErrors(fast));

            var item = new PSObject();
            item.Properties.Add(new PSNoteProperty("Name", "ClawdTalk-poller-s"));
            item.Properties.Add(new PSNoteProperty("Command", ScheduledJobScheduler.JobScript(spec)));
            item.Properties.Add(new PSNoteProperty("Triggers", "00:05:00"));
            scripts.Listed.Add(item);
            var e = Assert.Single(jobs.List());
            Assert.Equal(("s", (TimeSpan?)TimeSpan.FromMinutes(5)), (e.Slug, e.Interval));
            Assert.Equal(1, jobs.Unregister("s"));
            Assert.Equal("Get-ScheduledJob -ErrorAction SilentlyContinue | Where-Object { $_.Name -eq 'ClawdTalk-poller-s' } | Unregister-ScheduledJob -Force", scripts.Scripts.Last());
            Assert.Empty(ParseErrors(ScheduledJobScheduler.ListScript()));
        }

        static System.Management.Automation.Language.ParseError[] ParseErrors(string script)
        {
            System.Management.Automation.Language.Parser.ParseInput(script, out _, out var errors);
            return errors;
        }
    }
}
