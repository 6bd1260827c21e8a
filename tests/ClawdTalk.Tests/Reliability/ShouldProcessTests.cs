using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Security.Cryptography;
using ClawdTalk.Commands.Base;
using ClawdTalk.Tests.Harness;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Reliability
{
    /// <summary>
    /// -WhatIf as PowerShell means it, for EVERY cmdlet that supports ShouldProcess (found by reflection: a new one without
    /// a recipe here fails): its own -WhatIf, an outer -WhatIf (an advanced function with SupportsShouldProcess called
    /// with -WhatIf), and <c>$WhatIfPreference = $true</c>, each with -Force where the cmdlet has it, send nothing to the
    /// service (the sandbox's request log) and change no file of a private home (config, mission state, crontab, unit
    /// files, reports, locks and logs: the home is snapshotted before and after), and show "What if:". The same recipe
    /// without -WhatIf really acts (requests, files, or the bridge's connection), so none of these tests can pass by doing
    /// nothing. The home is private to each case: HOME, XDG_CONFIG_HOME, the config and state paths point into it, and
    /// `crontab` and `systemctl` on PATH are shims that keep their state (and a log of their calls) in it.
    /// </summary>
    [Collection("Environment")]
    public sealed class ShouldProcessTests : IClassFixture<ShouldProcessTests.Fixture>
    {
        /// <summary>The sandbox these cases share (reset before each), with one device for approvals.</summary>
        public sealed class Fixture : SandboxHarness
        {
            protected override void Prepare()
            {
                base.Prepare();
                Control("devices", new { count = 1, failed = 0 });
            }
        }

        readonly Fixture _fx;

        public ShouldProcessTests(Fixture fx) { _fx = fx; }

        /// <summary>
        /// How the action runs: under -WhatIf in its three forms; asked for confirmation in three forms (-Confirm, an outer
        /// -Confirm, <c>$ConfirmPreference = 'Low'</c>), each with -Force where the cmdlet has it and answered No; or as it is.
        /// </summary>
        public enum Mode { WhatIf, OuterWhatIf, WhatIfPreference, Confirm, OuterConfirm, ConfirmPreference, Acts }

        static bool Asks(Mode m) => m == Mode.Confirm || m == Mode.OuterConfirm || m == Mode.ConfirmPreference;

        /// <summary>
        /// What a cmdlet needs to act: <see cref="Setup"/> (PowerShell, in the same session), the <see cref="Action"/> (one
        /// statement; with -Force when the cmdlet has it), what acting shows (<see cref="Sends"/>: a request that changes
        /// something; <see cref="Writes"/>: a file of the home changes; <see cref="Probe"/>: a state of the sandbox changes),
        /// and <see cref="Ready"/>, a wait after the setup (a bridge that must be connected first).
        /// </summary>
        public sealed record Recipe(string Cmdlet, string Setup, string Action, bool Sends, bool Writes)
        {
            public string? Variant { get; init; }
            public string Cleanup { get; init; } = "";
            public Func<Fixture, string>? Probe { get; init; }
            public Action<Fixture>? Ready { get; init; }
            /// <summary>Files a process of the setup keeps writing by itself (a running bridge's own log), left out of the snapshots.</summary>
            public string? Ignores { get; init; }
            /// <summary>Bookkeeping of what exists (adoption) asks no confirmation: the confirmation modes do not apply.</summary>
            public bool AsksNothing { get; init; }
            /// <summary>
            /// What still happens when the confirmation is answered No: the requests (METHOD path) it may send and that it
            /// may write the state (a finished call's outcome is recorded; only the declined retry is not scheduled).
            /// </summary>
            public Func<string, bool>? RecordedWhenDeclined { get; init; }
            public string Name => Variant == null ? Cmdlet : $"{Cmdlet} ({Variant})";
        }

        // ---- the recipes ----

        const string Mission = "$m = Initialize-ClawdTalkMission -Name $name -Instructions 'Trust test' -Request 'Test' -Step calls";
        const string MissionWithAgent = Mission + " | Add-ClawdTalkAgent -Instructions 'Be brief.'";
        /// <summary>A call scheduled on the service with raw REST, as another client would: the mission's memory does not know it.</summary>
        const string ForeignCall = "; $null = Invoke-RestMethod -Method Post -Uri \"$url/v1/assistants/$($m.AssistantId)/events\" -Authentication Bearer -Token $key -AllowUnencryptedAuthentication " +
                                   "-ContentType application/json -Body (@{ channel = 'call'; to = '+13035550199'; from = $m.AgentPhone; mission_id = $m.MissionId; run_id = $m.RunId; step_id = 'calls'; " +
                                   "scheduled_at = [datetime]::UtcNow.AddHours(2).ToString('yyyy-MM-ddTHH:mm:ssZ') } | ConvertTo-Json)";
        const string GatewayConfig = "$null = New-Item -ItemType Directory -Force (Join-Path $dir .openclaw); " +
                                     "Set-Content -LiteralPath (Join-Path $dir .openclaw/openclaw.json) -Value ('{ gateway: { port: 18789, auth: { token: \"gw-secret-for-trust\" } } }')";
        const string Bridge = "$job = Start-ClawdTalkBridge -Name t -GatewayUrl $gw -GatewayToken $gwt -AgentId tester -ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400";
        const string StopBridges = "Get-ClawdTalkBridge | Stop-ClawdTalkBridge -Force; Get-Job | Remove-Job -Force";
        /// <summary>The log a running bridge appends to by itself (its connection's life), whatever the command under test does.</summary>
        const string BridgeLog = @"^\.config/clawdtalk/bridge/[0-9a-f]+\.log$";

        /// <summary>The extracted skill package the module was imported from: out/ holds SKILL.md beside ClawdTalk/&lt;version&gt;/.</summary>
        const string Package = "(Split-Path (Split-Path (Get-Module ClawdTalk).ModuleBase))";

        static string BridgeProbe(Fixture fx)
        {
            var ws = fx.ControlGet("ws");
            return $"connected={ws["connected"]} auths={ws["auth_count"]}";
        }

        static void Connected(Fixture fx) => SandboxHarness.WaitUntil(() => (bool?)fx.ControlGet("ws")["connected"] == true, "the bridge connected", 30);

        public static readonly Recipe[] Recipes =
        {
            new("Add-ClawdTalkAgent", Mission, "Add-ClawdTalkAgent -Slug $m.Slug -Instructions 'Be brief.'", Sends: true, Writes: true),
            new("Add-ClawdTalkLinkedAgent", Mission + "; $a = New-ClawdTalkAssistant -Name $name", "Add-ClawdTalkLinkedAgent -Slug $m.Slug -AssistantId $a.AssistantId", Sends: true, Writes: false),
            new("Add-ClawdTalkMemory", Mission, "Add-ClawdTalkMemory -Slug $m.Slug -Key notes -Value 'first'", Sends: false, Writes: true),
            new("Complete-ClawdTalkMission", MissionWithAgent, "Complete-ClawdTalkMission -Slug $m.Slug -Summary 'Done.' -Force", Sends: true, Writes: true),
            new("Connect-ClawdTalk", "", "Connect-ClawdTalk -ApiKey $key -Server $url -Persist", Sends: false, Writes: true),
            new("Export-ClawdTalkMissionReport", Mission, "Export-ClawdTalkMissionReport -Slug $m.Slug -Path (Join-Path $dir report.html) -Force", Sends: false, Writes: true),
            new("Grant-ClawdTalkGatewayTool", GatewayConfig, "Grant-ClawdTalkGatewayTool -Force", Sends: false, Writes: true),
            new("Import-ClawdTalkGatewayConfiguration", GatewayConfig, "Import-ClawdTalkGatewayConfiguration -Force", Sends: false, Writes: true),
            new("Import-ClawdTalkMissionState", "Set-Content -LiteralPath (Join-Path $dir other.json) -Value '{\"imported-mission\":{\"mission_id\":\"mis_1\",\"run_id\":\"run_1\",\"mission_name\":\"Imported mission\"}}'",
                "Import-ClawdTalkMissionState -Path (Join-Path $dir other.json) -Force", Sends: false, Writes: true),
            new("Initialize-ClawdTalkMission", "", "Initialize-ClawdTalkMission -Name $name -Instructions 'Trust test' -Request 'Test' -Step calls", Sends: true, Writes: true),
            new("Install-ClawdTalkBridgeService", "", "Install-ClawdTalkBridgeService -Name svc -Executable $exe -GatewayToken $gwt -Force", Sends: false, Writes: true),
            new("Install-ClawdTalkSkill", "", "Install-ClawdTalkSkill -Path " + Package, Sends: false, Writes: true),
            new("Invoke-ClawdTalkPoll", MissionWithAgent + "; $null = Register-ClawdTalkCall -Slug $m.Slug -To '+13035550142' -StepId calls -At ([datetime]::UtcNow.AddHours(2)) -Force",
                "Invoke-ClawdTalkPoll -Slug $m.Slug", Sends: false, Writes: true),
            new("New-ClawdTalkAssistant", "", "New-ClawdTalkAssistant -Name $name", Sends: true, Writes: false),
            new("New-ClawdTalkMission", "", "New-ClawdTalkMission -Name $name -Instructions 'Trust test'", Sends: true, Writes: false),
            new("New-ClawdTalkPlan", "$mi = New-ClawdTalkMission -Name $name -Instructions 'Trust test'; $r = New-ClawdTalkRun -MissionId $mi.MissionId -Request 'Test'",
                "New-ClawdTalkPlan -MissionId $r.MissionId -RunId $r.RunId -Step calls", Sends: true, Writes: false),
            new("New-ClawdTalkRun", "$mi = New-ClawdTalkMission -Name $name -Instructions 'Trust test'", "New-ClawdTalkRun -MissionId $mi.MissionId -Request 'Test'", Sends: true, Writes: false),
            new("Register-ClawdTalkCall", MissionWithAgent, "Register-ClawdTalkCall -Slug $m.Slug -To '+13035550142' -StepId calls -Force", Sends: true, Writes: true),
            // a call already on the service that the mission's memory lacks is adopted: recorded and logged on the run
            new("Register-ClawdTalkCall", MissionWithAgent + ForeignCall, "Register-ClawdTalkCall -Slug $m.Slug -To '+13035550199' -StepId calls -Force", Sends: true, Writes: true)
                { Variant = "adopts an event already on the service", AsksNothing = true },
            new("Register-ClawdTalkPoller", MissionWithAgent, "Register-ClawdTalkPoller -Slug $m.Slug -Executable $exe", Sends: false, Writes: true),
            new("Register-ClawdTalkSms", MissionWithAgent, "Register-ClawdTalkSms -Slug $m.Slug -To '+13035550143' -StepId calls -Message 'Hello' -Force", Sends: true, Writes: true),
            new("Remove-ClawdTalkConfiguration", "Set-ClawdTalkConfiguration -OwnerName Ada", "Remove-ClawdTalkConfiguration -Force", Sends: false, Writes: true),
            new("Remove-ClawdTalkLinkedAgent", MissionWithAgent, "Remove-ClawdTalkLinkedAgent -Slug $m.Slug -AssistantId $m.AssistantId -Force", Sends: true, Writes: false),
            new("Remove-ClawdTalkMissionState", Mission, "Remove-ClawdTalkMissionState -Slug $m.Slug -Force", Sends: false, Writes: true),
            new("Request-ClawdTalkApproval", "", "Request-ClawdTalkApproval -Action 'Deploy the release' -NoWait", Sends: true, Writes: false),
            new("Restart-ClawdTalkBridge", Bridge, "Restart-ClawdTalkBridge -Name t", Sends: false, Writes: false)
                { Ready = Connected, Probe = BridgeProbe, Cleanup = StopBridges, Ignores = BridgeLog },
            new("Send-ClawdTalkSms", "", "Send-ClawdTalkSms -To '+13035550101' -Message 'Hello' -Force", Sends: true, Writes: false),
            new("Set-ClawdTalkAssistant", "$a = New-ClawdTalkAssistant -Name $name", "Set-ClawdTalkAssistant -AssistantId $a.AssistantId -Greeting 'Hello there'", Sends: true, Writes: false),
            new("Set-ClawdTalkConfiguration", "", "Set-ClawdTalkConfiguration -OwnerName Ada", Sends: false, Writes: true),
            new("Set-ClawdTalkMemory", Mission, "Set-ClawdTalkMemory -Slug $m.Slug -Key notes -Value 'first'", Sends: false, Writes: true),
            new("Set-ClawdTalkPhoneNumber", "$a = New-ClawdTalkAssistant -Name $name", "Set-ClawdTalkPhoneNumber -PhoneNumber '+12125550103' -AssistantId $a.AssistantId -Force", Sends: true, Writes: false),
            new("Set-ClawdTalkRun", Mission, "Set-ClawdTalkRun -Slug $m.Slug -Summary 'Halfway'", Sends: true, Writes: false),
            new("Set-ClawdTalkStep", Mission, "Set-ClawdTalkStep -Slug $m.Slug -StepId calls -Status in_progress", Sends: true, Writes: true),
            new("Start-ClawdTalkBridge", "", Bridge, Sends: false, Writes: true) { Probe = BridgeProbe, Cleanup = StopBridges },
            new("Start-ClawdTalkCall", "", "Start-ClawdTalkCall -Force", Sends: true, Writes: false),
            new("Stop-ClawdTalkBridge", Bridge, "Stop-ClawdTalkBridge -Name t -Force", Sends: false, Writes: false)
                { Ready = Connected, Probe = BridgeProbe, Cleanup = StopBridges, Ignores = BridgeLog },
            new("Stop-ClawdTalkCall", "$c = Start-ClawdTalkCall -Force", "Stop-ClawdTalkCall -CallId $c.CallId -Force", Sends: true, Writes: false),
            new("Stop-ClawdTalkMission", MissionWithAgent, "Stop-ClawdTalkMission -Slug $m.Slug -Reason 'No longer needed' -Force", Sends: true, Writes: true),
            new("Test-ClawdTalkMission", MissionWithAgent + ForeignCall, "Test-ClawdTalkMission -Slug $m.Slug -Fix", Sends: true, Writes: true),
            new("Uninstall-ClawdTalkBridgeService", "$null = Install-ClawdTalkBridgeService -Name svc -Executable $exe -GatewayToken $gwt -Force",
                "Uninstall-ClawdTalkBridgeService -Name svc -Force", Sends: false, Writes: true),
            new("Uninstall-ClawdTalkSkill", "$null = Install-ClawdTalkSkill -Path " + Package, "Uninstall-ClawdTalkSkill -Module -Force", Sends: false, Writes: true),
            new("Unregister-ClawdTalkPoller", MissionWithAgent + "; $null = Register-ClawdTalkPoller -Slug $m.Slug -Executable $exe", "Unregister-ClawdTalkPoller -Slug $m.Slug -Force", Sends: false, Writes: true),
            new("Unregister-ClawdTalkScheduledEvent", MissionWithAgent + "; $null = Register-ClawdTalkCall -Slug $m.Slug -To '+13035550142' -StepId calls -At ([datetime]::UtcNow.AddHours(2)) -Force",
                "Unregister-ClawdTalkScheduledEvent -Slug $m.Slug -Force", Sends: true, Writes: true),
            // the call is not answered: the retry (billable) is what -WhatIf must hold back
            new("Wait-ClawdTalkEvent", MissionWithAgent + "; $e = Register-ClawdTalkCall -Slug $m.Slug -To '+12125550001' -StepId calls -Force",
                "$e | Wait-ClawdTalkEvent -MaxAttempts 2 -RetryDelay 60 -Force", Sends: true, Writes: true)
                { RecordedWhenDeclined = request => request.StartsWith("POST /v1/missions/", StringComparison.Ordinal) && request.EndsWith("/events", StringComparison.Ordinal) },
            new("Write-ClawdTalkEvent", Mission, "Write-ClawdTalkEvent -Slug $m.Slug -Summary 'A note'", Sends: true, Writes: false),
        };

        /// <summary>
        /// The cmdlets without ShouldProcess, each with what it reads: proved to send nothing and change no file, so that a
        /// cmdlet that acts cannot go without -WhatIf unnoticed (a new cmdlet needs a recipe here or in <see cref="Recipes"/>).
        /// </summary>
        public static readonly Recipe[] ReadOnly =
        {
            new("Disconnect-ClawdTalk", "", "Disconnect-ClawdTalk", false, false),
            new("Get-ClawdTalkApproval", "$null = Request-ClawdTalkApproval -Action 'Deploy the release' -NoWait", "Get-ClawdTalkApproval", false, false),
            new("Get-ClawdTalkAssistant", "$a = New-ClawdTalkAssistant -Name $name", "Get-ClawdTalkAssistant", false, false),
            new("Get-ClawdTalkBridge", Bridge, "Get-ClawdTalkBridge", false, false) { Ready = Connected, Cleanup = StopBridges, Ignores = BridgeLog },
            new("Get-ClawdTalkCall", "$c = Start-ClawdTalkCall -Force", "Get-ClawdTalkCall -CallId $c.CallId", false, false),
            new("Get-ClawdTalkConfiguration", "Set-ClawdTalkConfiguration -OwnerName Ada", "Get-ClawdTalkConfiguration", false, false),
            new("Get-ClawdTalkConversation", "$null = Send-ClawdTalkSms -To '+13035550101' -Message 'Hello' -Force", "Get-ClawdTalkConversation", false, false),
            new("Get-ClawdTalkEvent", Mission, "Get-ClawdTalkEvent -Slug $m.Slug", false, false),
            new("Get-ClawdTalkGateway", GatewayConfig, "Get-ClawdTalkGateway", false, false),
            new("Get-ClawdTalkInsight", MissionWithAgent + "; $e = Register-ClawdTalkCall -Slug $m.Slug -To '+13035550101' -StepId calls -Force | Wait-ClawdTalkEvent",
                "$e | Get-ClawdTalkInsight", false, false),
            new("Get-ClawdTalkLinkedAgent", MissionWithAgent, "Get-ClawdTalkLinkedAgent -Slug $m.Slug", false, false),
            new("Get-ClawdTalkMemory", Mission + "; Set-ClawdTalkMemory -Slug $m.Slug -Key notes -Value 'first'", "Get-ClawdTalkMemory -Slug $m.Slug", false, false),
            new("Get-ClawdTalkMessage", "$null = Send-ClawdTalkSms -To '+13035550101' -Message 'Hello' -Force", "Get-ClawdTalkMessage", false, false),
            new("Get-ClawdTalkMission", Mission, "Get-ClawdTalkMission", false, false),
            new("Get-ClawdTalkMissionState", Mission, "Get-ClawdTalkMissionState", false, false),
            new("Get-ClawdTalkMissionProgress", MissionWithAgent + "; $null = Register-ClawdTalkCall -Slug $m.Slug -To '+13035550142' -StepId calls -At ([datetime]::UtcNow.AddHours(2)) -Force",
                "Get-ClawdTalkMissionProgress -Slug $m.Slug", false, false),
            new("Get-ClawdTalkPhoneNumber", "", "Get-ClawdTalkPhoneNumber", false, false),
            new("Get-ClawdTalkPlan", Mission, "Get-ClawdTalkPlan -Slug $m.Slug", false, false),
            new("Get-ClawdTalkPoller", MissionWithAgent + "; $null = Register-ClawdTalkPoller -Slug $m.Slug -Executable $exe", "Get-ClawdTalkPoller", false, false),
            new("Get-ClawdTalkRun", Mission, "Get-ClawdTalkRun -Slug $m.Slug", false, false),
            new("Get-ClawdTalkScheduledEvent", MissionWithAgent + "; $null = Register-ClawdTalkCall -Slug $m.Slug -To '+13035550142' -StepId calls -Force",
                "Get-ClawdTalkScheduledEvent -Slug $m.Slug", false, false),
            new("Get-ClawdTalkStatus", "", "Get-ClawdTalkStatus", false, false),
            new("Test-ClawdTalkConnection", "", "Test-ClawdTalkConnection", false, false),
        };

        static readonly Assembly Module = typeof(ClawdTalkCmdlet).Assembly;

        /// <summary>Every cmdlet of the module that supports ShouldProcess, by its Verb-Noun name, with its type.</summary>
        public static IReadOnlyDictionary<string, Type> ShouldProcessCmdlets { get; } = Module.GetTypes()
            .Select(t => (t, a: t.GetCustomAttribute<CmdletAttribute>()))
            .Where(x => x.a != null && x.a.SupportsShouldProcess)
            .ToDictionary(x => x.a!.VerbName + "-" + x.a.NounName, x => x.t, StringComparer.OrdinalIgnoreCase);

        /// <summary>(recipe or cmdlet, mode): every recipe in every mode, and a "no recipe" case for each cmdlet without one.</summary>
        public static IEnumerable<object[]> Cases()
        {
            foreach (var name in ShouldProcessCmdlets.Keys.OrderBy(n => n, StringComparer.Ordinal))
            {
                var mine = Recipes.Where(r => string.Equals(r.Cmdlet, name, StringComparison.OrdinalIgnoreCase)).ToList();
                if (mine.Count == 0) { yield return new object[] { name, "NoRecipe" }; continue; }
                foreach (var r in mine)
                    foreach (var mode in Enum.GetValues<Mode>().Where(x => !(r.AsksNothing && Asks(x))))
                        yield return new object[] { r.Name, mode.ToString() };
            }
        }

        /// <summary>Every cmdlet without ShouldProcess, by name, with its read-only recipe (or "NoRecipe").</summary>
        public static IEnumerable<object[]> ReadOnlyCases() => Module.GetTypes()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>())
            .Where(a => a != null && !a.SupportsShouldProcess)
            .Select(a => a!.VerbName + "-" + a.NounName).OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new object[] { n, ReadOnly.Any(r => r.Cmdlet == n) ? "Acts" : "NoRecipe" });

        [Theory]
        [MemberData(nameof(ReadOnlyCases))]
        public void A_cmdlet_without_ShouldProcess_sends_nothing_and_writes_nothing(string cmdlet, string mode)
        {
            Assert.True(mode != "NoRecipe", $"{cmdlet} does not support ShouldProcess and has no read-only recipe here: a cmdlet that sends, bills, notifies or writes a file needs SupportsShouldProcess (and a recipe in Recipes); one that only reads needs a recipe in ReadOnly.");
            Case(ReadOnly.Single(x => x.Cmdlet == cmdlet), r => r.Action, o =>
            {
                o.Result.Ok();
                Assert.True(o.Result.Output.Count > 0 || cmdlet == "Disconnect-ClawdTalk", $"{cmdlet} read nothing: the recipe does not exercise it");
                Assert.True(o.Writes.Count == 0, $"{cmdlet} sent: {string.Join(", ", o.Writes)}");
                Assert.True(o.Changed.Count == 0, $"{cmdlet} changed files: {string.Join(", ", o.Changed)}");
            });
        }

        /// <summary>What one run of an action showed: its streams, the requests that changed something, the files of the home that changed, and the probe before it.</summary>
        sealed record Outcome(PsResult Result, List<string> Writes, List<string> Changed, string? ProbeBefore);

        /// <summary>
        /// One case: a fresh private home, the sandbox reset, a session whose every confirmation is answered No, the
        /// recipe's setup; then <paramref name="script"/> runs, and <paramref name="check"/> sees what it did before the
        /// recipe's cleanup.
        /// </summary>
        void Case(Recipe r, Func<Recipe, string> script, Action<Outcome> check)
        {
            using var home = new PrivateHome();
            _fx.Reset();
            _fx.AddNumbers(1);
            using var ps = _fx.Session(input: new StringReader(string.Concat(Enumerable.Repeat("N\n", 100))));
            var vars = _fx.Vars(("name", SandboxHarness.Unique("Trust")), ("dir", home.Path), ("exe", Path.Combine(AppContext.BaseDirectory, "clawdtalk")));
            try
            {
                if (r.Setup.Length > 0) ps.Run(r.Setup, vars).Ok();
                r.Ready?.Invoke(_fx);
                var files = home.Snapshot(r.Ignores);
                var mark = _fx.Mark();
                var probe = r.Probe?.Invoke(_fx);
                var result = ps.Run(script(r), vars);
                var writes = SandboxHarness.Writes(_fx.Log(mark)).Select(e => $"{e["method"]} {e["path"]}").ToList();
                check(new Outcome(result, writes, PrivateHome.Changes(files, home.Snapshot(r.Ignores)), probe));
            }
            finally
            {
                if (r.Cleanup.Length > 0) ps.Run(r.Cleanup, vars);
            }
        }

        [Fact]
        public void Every_recipe_is_of_a_ShouldProcess_cmdlet_and_uses_Force_where_the_cmdlet_has_it()
        {
            Assert.True(ShouldProcessCmdlets.Count >= 40, $"only {ShouldProcessCmdlets.Count} cmdlets found by reflection");
            foreach (var r in Recipes)
            {
                Assert.True(ShouldProcessCmdlets.TryGetValue(r.Cmdlet, out var type), $"{r.Name}: not a cmdlet that supports ShouldProcess");
                var hasForce = type!.GetProperty("Force")?.GetCustomAttribute<ParameterAttribute>() != null;
                Assert.True(hasForce == r.Action.Contains("-Force", StringComparison.Ordinal), $"{r.Name}: the action must use -Force exactly when the cmdlet has it");
                Assert.True(r.Sends || r.Writes || r.Probe != null, $"{r.Name}: says nothing about what acting shows");
            }
        }

        [Fact]
        public void Every_cmdlet_with_ConfirmImpact_High_has_Force()
        {
            var missing = ShouldProcessCmdlets.Where(kv => kv.Value.GetCustomAttribute<CmdletAttribute>()!.ConfirmImpact == ConfirmImpact.High
                                                           && kv.Value.GetProperty("Force")?.GetCustomAttribute<ParameterAttribute>() == null).Select(kv => kv.Key).ToList();
            Assert.True(missing.Count == 0, "ConfirmImpact High without -Force (nothing could run unattended): " + string.Join(", ", missing));
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void WhatIf_in_every_form_sends_nothing_and_writes_nothing_and_the_recipe_acts_without_it(string recipe, string mode)
        {
            Assert.True(mode != "NoRecipe", $"{recipe} supports ShouldProcess but has no recipe here: add one that acts, so its -WhatIf is proved.");
            var m = Enum.Parse<Mode>(mode);
            var r = Recipes.Single(x => x.Name == recipe);
            Case(r, x => Script(x.Action, m), o =>
            {
                var (result, writes, changed) = (o.Result, o.Writes, o.Changed);
                if (m == Mode.Acts)
                {
                    result.Ok();
                    if (r.Sends) Assert.True(writes.Count > 0, $"{r.Name} sent no request that changes anything: the recipe does not act");
                    if (r.Writes) Assert.True(changed.Count > 0, $"{r.Name} changed no file of the home: the recipe does not act");
                    if (r.Probe != null) SandboxHarness.WaitUntil(() => r.Probe(_fx) != o.ProbeBefore, $"{r.Name} to change the sandbox's state from {o.ProbeBefore}", 15);
                    return;
                }
                Assert.True(result.Terminating == null, $"{r.Name} {m}: {result.Terminating}");
                Assert.True(result.Errors.Count == 0, $"{r.Name} {m}: " + string.Join("; ", result.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
                if (Asks(m) && r.RecordedWhenDeclined != null) writes = writes.Where(w => !r.RecordedWhenDeclined(w)).ToList();
                Assert.True(writes.Count == 0, $"{r.Name} {m} sent: {string.Join(", ", writes)}");
                if (!(Asks(m) && r.RecordedWhenDeclined != null)) Assert.True(changed.Count == 0, $"{r.Name} {m} changed files: {string.Join(", ", changed)}");
                if (r.Probe != null) Assert.Equal(o.ProbeBefore, r.Probe(_fx));
                if (Asks(m))
                {
                    Assert.Contains("Are you sure you want to perform this action?", result.HostText);
                    Assert.DoesNotContain("What if:", result.HostText);
                }
                else Assert.Contains("What if:", result.HostText);
            });
        }

        /// <summary>The action under a mode: its own switch, through a function called with it, or under the preference variable.</summary>
        static string Script(string action, Mode mode) => mode switch
        {
            Mode.WhatIf => action + " -WhatIf",
            Mode.OuterWhatIf => "function Invoke-Outer { [CmdletBinding(SupportsShouldProcess)] param() " + action + " }\nInvoke-Outer -WhatIf",
            Mode.WhatIfPreference => "$WhatIfPreference = $true\ntry { " + action + " } finally { $WhatIfPreference = $false }",
            Mode.Confirm => action + " -Confirm",
            Mode.OuterConfirm => "function Invoke-Outer { [CmdletBinding(SupportsShouldProcess)] param() " + action + " }\nInvoke-Outer -Confirm",
            Mode.ConfirmPreference => "$ConfirmPreference = 'Low'\ntry { " + action + " } finally { $ConfirmPreference = 'High' }",
            _ => action,
        };

        /// <summary>
        /// A home of the module's files for one case: HOME, XDG_CONFIG_HOME, CLAWDTALK_CONFIG/_STATE point into it, and
        /// PATH starts with shims of `crontab` (its table in the home) and `systemctl` (a log of its calls in the home).
        /// Everything is put back on dispose.
        /// </summary>
        sealed class PrivateHome : IDisposable
        {
            static readonly string[] Variables = { "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "CLAWDTALK_CONFIG", "CLAWDTALK_STATE", "CLAWDTALK_POLLERS", "OPENCLAW_CONFIG_PATH", "CLAWDBOT_CONFIG_PATH", "PATH" };
            readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

            public string Path { get; } = TestEnvironment.NewTempDir();

            public PrivateHome()
            {
                var bin = System.IO.Path.Combine(Path, ".bin");
                Directory.CreateDirectory(bin);
                var table = System.IO.Path.Combine(Path, "crontab.txt");
                Shim(bin, "crontab",
                    $"case \"$1\" in\n  -l) if [ -f '{table}' ]; then cat '{table}'; else echo 'no crontab for tester' >&2; exit 1; fi ;;\n" +
                    $"  -r) rm -f '{table}' ;;\n  -) cat > '{table}' ;;\n  *) exit 2 ;;\nesac\n");
                Shim(bin, "systemctl", $"echo \"$*\" >> '{System.IO.Path.Combine(Path, "systemctl.log")}'\n");
                Environment.SetEnvironmentVariable("HOME", Path);
                Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", System.IO.Path.Combine(Path, ".config"));
                Environment.SetEnvironmentVariable("CLAWDTALK_CONFIG", System.IO.Path.Combine(Path, ".config", "clawdtalk", "skill-config.json"));
                Environment.SetEnvironmentVariable("CLAWDTALK_STATE", System.IO.Path.Combine(Path, ".config", "clawdtalk", "missions_state.json"));
                // the user's module folder (Install-ClawdTalkSkill) follows HOME too
                foreach (var v in new[] { "CLAWDTALK_POLLERS", "OPENCLAW_CONFIG_PATH", "CLAWDBOT_CONFIG_PATH", "XDG_DATA_HOME" }) Environment.SetEnvironmentVariable(v, null);
                Environment.SetEnvironmentVariable("PATH", bin + System.IO.Path.PathSeparator + _saved["PATH"]);
            }

            static void Shim(string bin, string name, string body)
            {
                var path = System.IO.Path.Combine(bin, name);
                File.WriteAllText(path, "#!/bin/sh\n" + body);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            /// <summary>
            /// Every file of the home with a hash of its content; the shims aside, and empty lock files (a reader takes the
            /// lock of what it reads, e.g. the poller scheduler's, and leaves the empty file: it holds nothing).
            /// </summary>
            public Dictionary<string, string> Snapshot(string? ignores = null)
            {
                var d = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var f in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
                {
                    var rel = System.IO.Path.GetRelativePath(Path, f);
                    if (rel.StartsWith(".bin", StringComparison.Ordinal)) continue;
                    if (rel.EndsWith(".lock", StringComparison.Ordinal) && new FileInfo(f).Length == 0) continue;
                    if (ignores != null && System.Text.RegularExpressions.Regex.IsMatch(rel, ignores)) continue;
                    try { d[rel] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))); }
                    catch (IOException) { d[rel] = "(unreadable)"; }
                }
                return d;
            }

            public static List<string> Changes(Dictionary<string, string> before, Dictionary<string, string> after) =>
                before.Keys.Union(after.Keys).Where(k => !before.TryGetValue(k, out var a) || !after.TryGetValue(k, out var b) || a != b)
                    .Select(k => !before.ContainsKey(k) ? "+" + k : !after.ContainsKey(k) ? "-" + k : "~" + k).OrderBy(k => k, StringComparer.Ordinal).ToList();

            public void Dispose()
            {
                foreach (var kv in _saved) Environment.SetEnvironmentVariable(kv.Key, kv.Value);
            }
        }
    }
}
