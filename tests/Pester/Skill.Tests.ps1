# The skill an agent installs (issue 21), in real pwsh: Install-ClawdTalkSkill from the package out/ is laid out as, into
# a fake OpenClaw home (HOME of its own, a gateway config naming the sandbox's simulated gateway and a workspace), the
# takeover of the published client 2.0.6 installed there, the notice a poller sends the agent when a mission ends, the
# look that returns at once, and health by what is used. The user's real home, crontab and module folder are never touched.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 5 }
    $script:saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; PATH = $env:PATH; CLAWDTALK_API_KEY = $env:CLAWDTALK_API_KEY }
    $env:PATH = (New-TestBin -Directory $testHome) + [System.IO.Path]::PathSeparator + $env:PATH
    Remove-Item env:XDG_DATA_HOME -ErrorAction SilentlyContinue
    # out/ is the extracted package: SKILL.md and README.md beside ClawdTalk/<version>/
    $script:package = Split-Path (Split-Path (Split-Path (Get-TestModuleManifest)))
    $script:version = Get-TestModuleVersion

    # a home of its own for each test: HOME, the configuration and the state store in it
    function New-Home([switch] $NoOpenClaw, [switch] $NoToken) {
        $h = Join-Path $testHome ('home-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Path $h
        $env:HOME = $h
        $env:CLAWDTALK_CONFIG = Join-Path $h '.config/clawdtalk/skill-config.json'
        $env:CLAWDTALK_STATE = Join-Path $h '.config/clawdtalk/missions_state.json'
        $ws = if ($NoOpenClaw) { Join-Path $h '.openclaw/workspace' } else { New-TestOpenClawHome -HomeDirectory $h -Sandbox $sb -NoToken:$NoToken }
        [pscustomobject]@{ Home = $h; Workspace = $ws; Modules = Join-Path $h ".local/share/powershell/Modules/ClawdTalk/$version" }
    }
    # a mission on the sandbox as the published client creates it (raw REST), for a .missions_state.json that names real ids
    function New-ServiceMission([string] $Name) {
        $m = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/v1/missions' -Body @{ name = $Name; instructions = 'Find three.' }
        $r = Invoke-TestSandbox -Sandbox $sb -Method POST -Path "/v1/missions/$($m.mission.id)/runs" -Body @{ input = @{ original_request = 'Find three.' } }
        [pscustomobject]@{ MissionId = $m.mission.id; RunId = $r.data.run_id }
    }
    function Get-GatewayMessages { @((Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/gateway/log').calls | Where-Object { $_.message }) }
}
AfterAll {
    foreach ($k in $saved.Keys) { if ($null -eq $saved[$k]) { Remove-Item "env:$k" -ErrorAction SilentlyContinue } else { Set-Item "env:$k" $saved[$k] } }
    $sb | Stop-TestSandbox
}

Describe 'Install-ClawdTalkSkill' {
    It 'installs the module for the user and the skill in the workspace, leaves other files of the skill folder alone, and a second run changes nothing' {
        $h = New-Home
        # a file ClawHub would have written: never touched
        $origin = Join-Path $h.Workspace 'skills/clawdtalk/.clawhub/origin.json'
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $origin)
        '{ "slug": "clawdtalk" }' | Set-Content $origin

        $first = @(Install-ClawdTalkSkill -Path $package)
        ($first | Where-Object Item -EQ Module).Action | Should -Be 'Installed'
        ($first | Where-Object Item -EQ Module).Path | Should -Be $h.Modules
        ($first | Where-Object Name -EQ 'SKILL.md').Action | Should -Be 'Installed'
        Get-Content -Raw (Join-Path $h.Workspace 'skills/clawdtalk/SKILL.md') | Should -BeExactly (Get-Content -Raw (Join-Path $package 'SKILL.md'))
        Join-Path $h.Modules 'ClawdTalk.psd1' | Should -Exist
        Get-Content -Raw $origin | Should -Match '"clawdtalk"'

        # a fresh pwsh of that user finds the commands by name (the module folder of the user is on its module path)
        $pwsh = & sh -c "unset PSModulePath; pwsh -NoProfile -NonInteractive -Command '(Get-Command Get-ClawdTalkMissionProgress).Module.ModuleBase'"
        $LASTEXITCODE | Should -Be 0
        "$pwsh".Trim() | Should -Be $h.Modules

        $before = Get-TestFileSnapshot -Path $h.Home
        $second = @(Install-ClawdTalkSkill -Path $package)
        $second.Count | Should -Be $first.Count
        @($second | Where-Object Changed) | Should -BeNullOrEmpty
        $second.Action | Should -Not -Contain 'Installed'
        Get-TestFileSnapshot -Path $h.Home | Should -BeExactly $before
    }

    It 'takes over the published client 2.0.6 (owner name, configuration, mission state) keeping what the user set, and a second run changes nothing' {
        $h = New-Home
        $m = New-ServiceMission 'Find window washers'
        $from = New-TestPublishedClient -Workspace $h.Workspace -Config @{
            api_key = '${CLAWDTALK_API_KEY}'; server = $sb.Url; owner_name = 'Ada Lovelace'; agent_name = 'PAL-01'; greeting = "Hey Ada, what's up?"
            gateway_url = $sb.GatewayUrl; gateway_token = $sb.GatewayToken; max_conversation_turns = 20; sms_allowlist = @('+1 212 555 0100')
            voice_context = 'Speak slowly.'
        } -State @{
            'find-window-washers' = [ordered]@{ mission_name = 'Find window washers'; mission_id = $m.MissionId; run_id = $m.RunId; created_at = '2026-03-01T10:00:00Z'
                                               assistant_id = 'ast_000001'; agent_phone = '+12125550103'; memory = @{ contractors = @(@{ name = 'ABC Co'; phone = '+12125550142' }) } }
            'Bad Slug!' = @{ mission_name = 'x'; mission_id = 'mis_1'; run_id = 'run_1' }
        }
        # its bridge still runs (its pid file names a live process: this one)
        $PID | Set-Content (Join-Path $from '.connect.pid')
        # what the user already set here is theirs
        Set-ClawdTalkConfiguration -Greeting 'Hello from here'
        $published = Get-TestFileSnapshot -Path $from

        $rows = @(Install-ClawdTalkSkill -Path $package -From $from -ErrorVariable problems -ErrorAction SilentlyContinue -WarningVariable warned -WarningAction SilentlyContinue)
        "$warned" | Should -Match "bridge runs \(process $PID\)"
        $config = { param($k) $rows | Where-Object { $_.Item -eq 'Configuration' -and $_.Name -eq $k } }
        (& $config owner_name).Action | Should -Be 'TakenOver'
        (& $config api_key).Action | Should -Be 'TakenOver'
        (& $config gateway_token).Action | Should -Be 'TakenOver'
        (& $config voice_context).Action | Should -Be 'TakenOver'
        (& $config owner_numbers).Action | Should -Be 'TakenOver'
        (& $config greeting).Action | Should -Be 'Kept'
        ($rows | Where-Object { $_.Item -eq 'Mission' -and $_.Name -eq 'find-window-washers' }).Action | Should -Be 'TakenOver'
        $problems.FullyQualifiedErrorId | Should -Contain 'StateEntryInvalid,ClawdTalk.Commands.Skill.InstallClawdTalkSkillCommand'
        $rows | ConvertTo-Json -Depth 4 | Assert-NoSecret -Secret $sb.GatewayToken

        $c = Get-ClawdTalkConfiguration
        $c.OwnerName | Should -Be 'Ada Lovelace'
        $c.Greeting | Should -Be 'Hello from here'
        $c.ApiKey | Should -Be '${CLAWDTALK_API_KEY}'
        $c.OwnerNumber | Should -Be '+12125550100'
        [System.IO.File]::GetUnixFileMode($env:CLAWDTALK_CONFIG) | Should -Be ([System.IO.UnixFileMode] 'UserRead, UserWrite')
        $state = Get-ClawdTalkMissionState -Slug find-window-washers
        $state.MissionId | Should -Be $m.MissionId
        $state.Memory.contractors[0].name | Should -Be 'ABC Co'
        Get-ClawdTalkMissionState | Where-Object Slug -EQ 'Bad Slug!' | Should -BeNullOrEmpty
        Get-TestFileSnapshot -Path $from | Should -BeExactly $published

        # the mission taken over goes on here: the key comes from the variable its configuration names
        $env:CLAWDTALK_API_KEY = $sb.ApiKey
        (Get-ClawdTalkMissionProgress -Slug find-window-washers).RunId | Should -Be $m.RunId

        $before = Get-TestFileSnapshot -Path $h.Home
        $again = @(Install-ClawdTalkSkill -Path $package -From $from -ErrorAction SilentlyContinue)
        @($again | Where-Object Changed) | Should -BeNullOrEmpty
        Get-TestFileSnapshot -Path $h.Home | Should -BeExactly $before
        Remove-Item env:CLAWDTALK_API_KEY
    }

    It 'writes nothing under -WhatIf' {
        $h = New-Home
        $from = New-TestPublishedClient -Workspace $h.Workspace -Config @{ owner_name = 'Ada' }
        $before = Get-TestFileSnapshot -Path $h.Home
        @(Install-ClawdTalkSkill -Path $package -From $from -WhatIf | Where-Object Changed) | Should -BeNullOrEmpty
        Get-TestFileSnapshot -Path $h.Home | Should -BeExactly $before
    }

    It 'refuses a folder that is not a package, before writing anything' {
        $h = New-Home
        { Install-ClawdTalkSkill -Path $h.Home -ErrorAction Stop } | Should -Throw -ErrorId 'SkillPackageNotFound*'
        { Install-ClawdTalkSkill -Path $package -From $h.Home -ErrorAction Stop } | Should -Throw -ErrorId 'PublishedClientNotFound*'
        Test-Path $h.Modules | Should -BeFalse
    }

    It 'Uninstall-ClawdTalkSkill removes the skill and, with -Module, the module, and keeps the configuration' {
        $h = New-Home
        $null = Install-ClawdTalkSkill -Path $package
        Set-ClawdTalkConfiguration -OwnerName 'Ada'
        $origin = Join-Path $h.Workspace 'skills/clawdtalk/.clawhub/origin.json'
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $origin); '{}' | Set-Content $origin
        $removed = @(Uninstall-ClawdTalkSkill -Module -Force)
        $removed.Name | Should -Contain 'SKILL.md'
        ($removed | Where-Object Item -EQ Module).Path | Should -Be $h.Modules
        Join-Path $h.Workspace 'skills/clawdtalk/SKILL.md' | Should -Not -Exist
        $origin | Should -Exist
        Test-Path $h.Modules | Should -BeFalse
        (Get-ClawdTalkConfiguration).OwnerName | Should -Be 'Ada'
    }
}

Describe 'Register-ClawdTalkPoller -NotifyAgent' {
    BeforeEach {
        $script:h = New-Home
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url
    }

    It 'fails at registration when no gateway token is usable, and registers nothing' {
        $h = New-Home -NoToken
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url
        $m = Initialize-ClawdTalkMission -Name "No token $([guid]::NewGuid().ToString('N').Substring(0, 6))" -Instructions 'x' -Request 'y' -Step calls
        { Register-ClawdTalkPoller -Slug $m.Slug -NotifyAgent -ErrorAction Stop } | Should -Throw -ErrorId 'GatewayTokenMissing*'
        Get-ClawdTalkPoller -Slug $m.Slug -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        # a token the gateway refuses fails there too
        Set-ClawdTalkConfiguration -GatewayUrl $sb.GatewayUrl -GatewayToken (ConvertTo-SecureString 'gwt_not_the_token_1234' -AsPlainText -Force)
        { Register-ClawdTalkPoller -Slug $m.Slug -NotifyAgent -ErrorAction Stop } | Should -Throw -ErrorId 'GatewayUnauthorized*'
        Get-ClawdTalkPoller -Slug $m.Slug -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'sends the agent exactly one message for a mission that ends, naming the mission and its outcome' {
        $name = "Notice $([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $m = Initialize-ClawdTalkMission -Name $name -Instructions 'Ask for a quote.' -Request 'Quotes' -Step calls | Add-ClawdTalkAgent -Instructions 'Ask for a quote.'
        $events = Register-ClawdTalkCall -Slug $m.Slug -StepId calls -To '+1 212 555 0142', '+1 212 555 0003' -At (Get-Date).AddMinutes(2) -Force
        $before = @(Get-GatewayMessages).Count
        $poller = Register-ClawdTalkPoller -Slug $m.Slug -NotifyAgent -NotifyEachCall
        $poller.NotifyAgent | Should -BeTrue
        @(Get-GatewayMessages).Count | Should -Be $before -Because 'the check at registration delivers nothing'

        # the calls run on the sandbox; then ticks run as cron runs them, until the mission ends, and two more after it
        $deadline = (Get-Date).AddSeconds(60)
        while (@(Get-ClawdTalkScheduledEvent -Slug $m.Slug | Where-Object { -not $_.IsTerminal }).Count -gt 0 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $ticks = @()
        do { $ticks += Invoke-ClawdTalkPoll -Slug $m.Slug } while ($ticks[-1].Status -ne 'Ended' -and $ticks.Count -lt 5)
        $ticks[-1].Status | Should -Be 'Ended'
        $null = Invoke-ClawdTalkPoll -Slug $m.Slug
        $null = Complete-ClawdTalkMission -Slug $m.Slug -Summary 'Two plumbers asked.'

        $mine = @(Get-GatewayMessages | Select-Object -Skip $before)
        $ended = @($mine | Where-Object { $_.message -like "*Mission ""$name""*ended:*" })
        $ended.Count | Should -Be 1
        $ended[0].message | Should -BeLike '`[ClawdTalk`] *'
        $ended[0].message | Should -Match 'ended: succeeded'
        $ended[0].message | Should -Match ([regex]::Escape($m.Slug))
        $ended[0].session_key | Should -Be 'agent:main:main'
        $ended[0].timeout_seconds | Should -Be 0
        # one per call with -NotifyEachCall, and nothing twice
        @($mine | Where-Object { $_.message -like '*: the call to *' }).Count | Should -Be 2
        $mine.Count | Should -Be 3
        $mine | ConvertTo-Json -Depth 3 | Assert-NoSecret -Secret $sb.ApiKey, $sb.GatewayToken
        (Get-ClawdTalkMissionProgress -Slug $m.Slug -Offline).Notified | Should -Contain "mission:$($m.RunId)"
    }
}

Describe 'Get-ClawdTalkMissionProgress' {
    BeforeAll {
        $null = New-Home
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url
        $script:m = Initialize-ClawdTalkMission -Name "Look $([guid]::NewGuid().ToString('N').Substring(0, 6))" -Instructions 'x' -Request 'y' -Step calls, texts | Add-ClawdTalkAgent -Instructions 'Ask.'
        $null = Register-ClawdTalkCall -Slug $m.Slug -StepId calls -To '+1 212 555 0151' -At (Get-Date).AddHours(3) -Force
    }

    It 'says at once where the mission stands and what to do next, in text and as JSON' {
        $p = Get-ClawdTalkMissionProgress -Slug $m.Slug
        $p.Status | Should -Be 'Active'
        $p.Pending | Should -Be 1
        $p.NextAt | Should -BeGreaterThan (Get-Date).AddHours(2)
        $p.StepSummary | Should -Be '0/2'
        $p.Next | Should -Match 'Register-ClawdTalkPoller'
        $p.Text | Should -Match '^Look .*active'
        ($p | Out-String) | Should -Match 'To come: call to \+12125550151'
        $json = $p | ConvertTo-Json -Depth 5 -EnumsAsStrings | ConvertFrom-Json
        $json.Status | Should -Be 'Active'
        $json.PendingEvents[0].To | Should -Be '+12125550151'
        ($p | Format-Table | Out-String) | Should -Match ([regex]::Escape($m.Slug))
    }

    It 'gives a time to check back on this machine''s clock, brought from the sandbox''s faster one' {
        $p = Get-ClawdTalkMissionProgress -Slug $m.Slug
        # the first look is two minutes after the call's time on the service's clock; at 60x that wait is 60 times
        # shorter here, counted from the service's now (which runs ahead of this machine's: never mixed with it)
        $clock = Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/clock'
        $serviceWait = $p.NextAt.AddMinutes(2) - [datetimeoffset]::Parse($clock.now, [cultureinfo]::InvariantCulture)
        $expected = [datetimeoffset]::UtcNow + [timespan]::FromTicks($serviceWait.Ticks / $clock.time_scale)
        [math]::Abs(($p.CheckBackAt - $expected).TotalSeconds) | Should -BeLessThan 15
        $p.CheckBackAt | Should -BeGreaterThan ([datetimeoffset]::UtcNow)
        $p.Text | Should -Match 'Check back at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(this machine''s clock\)'
        $p.Text | Should -Match 'To come: .*\(the sandbox''s clock\)'
    }

    It 'says a retry is due when the service ended the run after the first calls, and the tick sets the run running again' {
        $r = Initialize-ClawdTalkMission -Name "Retry $([guid]::NewGuid().ToString('N').Substring(0, 6))" -Instructions 'x' -Request 'y' -Step calls | Add-ClawdTalkAgent -Instructions 'Ask.'
        $null = Register-ClawdTalkCall -Slug $r.Slug -StepId calls -To '+1 212 555 0005' -At (Get-Date).AddMinutes(2) -Force
        $null = Register-ClawdTalkPoller -Slug $r.Slug -MaxAttempts 2 -WarningAction SilentlyContinue
        # the first call ends (0005: no answer the first time); the service then ends the run, its only event being over
        $deadline = (Get-Date).AddSeconds(60)
        while (((Get-ClawdTalkRun -Slug $r.Slug).Status -ne 'Succeeded') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        (Get-ClawdTalkRun -Slug $r.Slug).Status | Should -Be 'Succeeded'

        $p = Get-ClawdTalkMissionProgress -Slug $r.Slug
        $p.Status | Should -Be 'Active'
        $p.RetriesDue | Should -Be 1
        $p.NotReached | Should -Be 1
        $p.Outcomes | Should -Match '^0 reached, 1 not reached \(1 no.answer\)'
        $p.Next | Should -Match '1 call\(s\) are due another attempt .*sets it running again'
        $p.Next | Should -Match ([regex]::Escape("Invoke-ClawdTalkPoll -Slug $($r.Slug)"))
        $p.CheckBackAt | Should -Not -BeNullOrEmpty

        $null = Invoke-ClawdTalkPoll -Slug $r.Slug
        $after = Get-ClawdTalkMissionProgress -Slug $r.Slug
        $after.RunStatus | Should -Be 'Running'
        $after.RetriesDue | Should -Be 0
        $after.Pending | Should -Be 1
        $after.PendingEvents[0].Attempt | Should -Be 2
        Unregister-ClawdTalkPoller -Slug $r.Slug -Force
    }

    It 'asks the service nothing with -Offline, and names a slug it does not know' {
        $v1 = { @(Get-TestSandboxLog -Sandbox $sb | Where-Object { $_.path -like '/v1/*' }).Count }
        $mark = & $v1
        $p = Get-ClawdTalkMissionProgress -Slug $m.Slug -Offline
        $p.RunStatus | Should -Be 'Running'
        & $v1 | Should -Be $mark
        { Get-ClawdTalkMissionProgress -Slug no-such-mission -ErrorAction Stop } | Should -Throw -ErrorId 'MissionStateNotFound*'
    }
}

Describe 'Get-ClawdTalkStatus by use' {
    It 'is healthy for calls and texts without a gateway, and says what the rest would need' {
        $null = New-Home -NoOpenClaw
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url
        $s = Get-ClawdTalkStatus
        $s.Connection | Should -Be 'Ok'
        $s.Uses | Should -Contain 'calls and texts'
        $s.Problems | Should -BeNullOrEmpty
        $s.Healthy | Should -BeTrue
        $s.NotSetUp -join ' ' | Should -Match 'gateway'
        ($s | Out-String) | Should -Match 'Not set up'
    }

    It 'counts the gateway''s problems once the gateway is used' {
        $null = New-Home -NoOpenClaw
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url -GatewayUrl 'http://127.0.0.1:9'
        $s = Get-ClawdTalkStatus
        $s.Uses | Should -Contain 'inbound calls and texts (bridge)'
        $s.Healthy | Should -BeFalse
        $s.Problems -join ' ' | Should -Match 'does not answer|gateway'
    }
}
