# SKILL.md is one source: every command in it runs here as written, in its order, the way it tells an agent to run it
# (each PowerShell block through the template line it gives, `NO_COLOR=1 pwsh -NoProfile -NonInteractive -Command '…'`,
# one process per block, from the extracted package) against the sandbox and its simulated gateway, in a home of its
# own with an OpenClaw config and workspace; or it is listed below with the reason it cannot run. What a block needs
# from the world (the key in its environment, time passing on the sandbox, a published client to take over) is set up
# first, as $Setup says. A block that is not classified fails the coverage test.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $skill = Get-Content -Raw (Join-Path (Get-TestRoot) 'out/SKILL.md')
    $script:blocks = @(foreach ($m in [regex]::Matches($skill, '```(sh|powershell)\n(.*?)```', 'Singleline')) {
        $code = $m.Groups[2].Value.TrimEnd()
        @{ Lang = $m.Groups[1].Value; Code = $code; Id = ($code -split "`n")[0] }
    })
    # first line of a block => why it does not run here
    $script:NotRunnable = @{
        "NO_COLOR=1 pwsh -NoProfile -NonInteractive -Command '<the PowerShell block>'" = 'the template every PowerShell block below runs through (this test uses it for each)'
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 3 }
    $script:template = ([regex]::Match((Get-Content -Raw (Join-Path (Get-TestRoot) 'out/SKILL.md')), "(?m)^NO_COLOR=1 pwsh .*'<the PowerShell block>'$")).Value

    # the agent's machine: a home with OpenClaw's config (the sandbox's gateway) and workspace, crontab and pwsh on PATH,
    # and the package extracted in it
    $script:userHome = Join-Path $testHome 'home'
    $null = New-Item -ItemType Directory -Path $userHome
    $script:workspace = New-TestOpenClawHome -HomeDirectory $userHome -Sandbox $sb
    $script:bin = New-TestBin -Directory $testHome
    $script:package = Join-Path $userHome 'ClawdTalk-package'
    Copy-Item -Recurse (Split-Path (Split-Path (Split-Path (Get-TestModuleManifest)))) $package

    function Invoke-Block([string] $Lang, [string] $Code, [hashtable] $Environment = @{}, [string] $StandardInput) {
        $command = if ($Lang -eq 'sh') { $Code } else { $template.Replace('<the PowerShell block>', $Code) }
        $psi = [System.Diagnostics.ProcessStartInfo]::new('sh')
        foreach ($a in '-c', $command) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $package
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.RedirectStandardInput = $true; $psi.UseShellExecute = $false
        $psi.Environment['HOME'] = $userHome
        $psi.Environment['PATH'] = $bin + [System.IO.Path]::PathSeparator + $env:PATH
        foreach ($v in 'CLAWDTALK_CONFIG', 'CLAWDTALK_STATE', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'PSModulePath', 'CLAWDTALK_API_KEY', 'CLAWDTALK_API_URL') { $null = $psi.Environment.Remove($v) }
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] }
        $p = [System.Diagnostics.Process]::Start($psi)
        if ($StandardInput) { $p.StandardInput.Write($StandardInput) }
        $p.StandardInput.Close()
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw "the block did not end in 5 minutes: $Code" }
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result }
    }

    # the mission of SKILL.md's walk-through, as the sandbox has it
    function Wait-SkillCalls {
        $state = Get-Content -Raw (Join-Path $userHome '.config/clawdtalk/missions_state.json') | ConvertFrom-Json -AsHashtable
        $e = $state['find-a-plumber']
        $deadline = (Get-Date).AddSeconds(60)
        do {
            $events = @((Invoke-TestSandbox -Sandbox $sb -Path "/v1/assistants/$($e.assistant_id)/events").events | Where-Object run_id -EQ $e.run_id)
            if ($events.Count -gt 0 -and -not ($events | Where-Object { $_.status -in 'pending', 'in_progress' })) { return }
            Start-Sleep -Milliseconds 200
        } while ((Get-Date) -lt $deadline)
        throw 'the sandbox did not run the mission''s calls in a minute'
    }

    # first line of a block (as a prefix) => what the world does before it, what its process gets, and what it must show
    $script:Setup = @{
        'Connect-ClawdTalk -Persist' = @{ Environment = @{ CLAWDTALK_API_KEY = $sb.ApiKey; CLAWDTALK_API_URL = "$($sb.Url)/v1" }; Shows = 'ctk_pe…' }
        '$input | ConvertTo-SecureString' = @{ StandardInput = $sb.ApiKey + "`n"; Shows = 'ApiKey' }
        # the key in a file the agent's file tool wrote, and gone afterwards
        "NO_COLOR=1 pwsh -NoProfile -NonInteractive -Command '`$input" = @{
            Before = { Set-Content -Path (Join-Path $package 'clawdtalk-key.txt') -Value $sb.ApiKey }
            After = { Join-Path $package 'clawdtalk-key.txt' | Should -Not -Exist }
            Shows = 'ApiKey'
        }
        'Test-ClawdTalkConnection' = @{ Shows = 'Status\s+: Ok' }
        'Get-ClawdTalkStatus' = @{ Shows = 'Healthy\s+: True' }
        'Import-Module ./ClawdTalk; Install-ClawdTalkSkill -From' = @{
            Before = {
                $null = New-TestPublishedClient -Workspace $workspace -Config @{
                    api_key = '${CLAWDTALK_API_KEY}'; owner_name = 'Ada'; greeting = "Hey Ada, what's up?"; gateway_url = $sb.GatewayUrl; gateway_token = $sb.GatewayToken
                } -State @{ 'find-window-washers' = @{ mission_name = 'Find window washers'; mission_id = 'mis_900001'; run_id = 'run_900001' } }
            }
            Shows = 'find-window-washers\s+TakenOver'
        }
        'Import-Module ./ClawdTalk; Install-ClawdTalkSkill' = @{ Shows = 'SKILL.md' }
        'Initialize-ClawdTalkMission' = @{ Shows = 'find-a-plumber' }
        'Register-ClawdTalkPoller' = @{ Shows = 'find-a-plumber' }
        'Get-ClawdTalkMissionProgress -Slug find-a-plumber' = @{ Shows = 'Find a plumber \(find-a-plumber\)' }
        # time passes: the sandbox runs the calls (a minute is a second there) before the tick looks
        'Invoke-ClawdTalkPoll' = @{ Before = { Wait-SkillCalls }; Shows = 'find-a-plumber' }
        'Send-ClawdTalkSms' = @{ Shows = 'sent' }
        'Request-ClawdTalkApproval' = @{ Shows = 'Book the plumber' }
        'Start-ClawdTalkBridge -Detached' = @{ Shows = 'ClawdTalkBridge' }
        'try { Get-ClawdTalkMissionProgress -Slug no-such-mission' = @{ Shows = '^MissionStateNotFound' }
        'Uninstall-ClawdTalkSkill' = @{ Shows = 'SKILL.md\s+Removed' }
    }
    $script:gatewayBefore = @((Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/gateway/log').calls).Count
}
AfterAll {
    # a detached bridge outlives its command: stopped whatever happened
    $null = Invoke-Block -Lang powershell -Code 'Get-ClawdTalkBridge | Stop-ClawdTalkBridge -Force'
    $sb | Stop-TestSandbox
}

Describe 'SKILL.md' -ForEach @(@{ Blocks = $blocks; NotRunnableIds = @($NotRunnable.Keys) }) {
    It 'puts every block in the walk-through or the not-runnable table, and every PowerShell block fits its template' {
        $Blocks.Count | Should -BeGreaterThan 20
        @($Blocks | Where-Object { $_.Lang -eq 'powershell' -and $_.Code.Contains("'") }).Id | Should -BeNullOrEmpty -Because 'a block runs inside single quotes'
        @($NotRunnableIds | Where-Object { $_ -notin $Blocks.Id }) | Should -BeNullOrEmpty -Because 'a not-runnable entry must name an existing block'
    }
}

Describe 'SKILL.md block: <Id>' -ForEach ($blocks | Where-Object { -not $NotRunnable.ContainsKey($_.Id) }) {
    It 'runs as written' {
        $key = $Setup.Keys | Where-Object { $Code.StartsWith($_, [System.StringComparison]::Ordinal) } | Sort-Object Length -Descending | Select-Object -First 1
        $s = if ($key) { $Setup[$key] } else { @{} }
        if ($s.Before) { & $s.Before }
        $r = Invoke-Block -Lang $Lang -Code $Code -Environment ($s.Environment ?? @{}) -StandardInput $s.StandardInput
        $r.ExitCode | Should -Be 0 -Because "$($r.Output)`n$($r.Error)"
        $r.Error | Should -BeNullOrEmpty -Because $r.Output
        if ($s.Shows) { $r.Output | Should -Match $s.Shows }
        if ($s.After) { & $s.After }
        $r.Output + $r.Error | Assert-NoSecret -Secret $sb.ApiKey, $sb.GatewayToken
    }
}

Describe 'What the walk-through left' {
    It 'told the agent once that the mission of the walk-through ended' {
        $told = @((Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/gateway/log').calls | Select-Object -Skip $gatewayBefore |
            Where-Object { $_.message -like '*Mission "Find a plumber" (find-a-plumber) ended: succeeded*' })
        $told.Count | Should -Be 1
    }
}
