# Gateway setup and pollers as a pwsh user meets them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
}

Describe 'Grant-ClawdTalkGatewayTool' {
    BeforeEach {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('ct-pester-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $file = Join-Path $dir 'openclaw.json'
        $before = "{`n  // the agent's own tools`n  `"tools`": { `"allow`": [`"read`"] },`n  `"gateway`": {`n    `"port`": 18789,`n  },`n}`n"
        Set-Content -Path $file -Value $before -NoNewline
    }
    AfterEach { Remove-Item -Recurse -Force $dir }

    It 'adds sessions_send to gateway.tools.allow only, keeping the rest of the file' {
        $grant = Grant-ClawdTalkGatewayTool -Path $file -Force
        $grant.Changed | Should -BeTrue
        Get-Content -Raw $grant.BackupPath | Should -BeExactly $before
        $after = Get-Content -Raw $file
        $after | Should -BeExactly ($before.Replace("    `"port`": 18789,`n", "    `"port`": 18789,`n    `"tools`": {`n      `"allow`": [`"sessions_send`"]`n    },`n"))
    }

    It 'changes nothing with -WhatIf' {
        Grant-ClawdTalkGatewayTool -Path $file -WhatIf
        Get-Content -Raw $file | Should -BeExactly $before
        @(Get-ChildItem $dir -Filter *.bak).Count | Should -Be 0
    }

    It 'reports malformed JSON and leaves the file as it was' {
        Set-Content -Path $file -Value '{ "gateway": ' -NoNewline
        { Grant-ClawdTalkGatewayTool -Path $file -Force -ErrorAction Stop } | Should -Throw -ErrorId 'GatewayConfigInvalid*'
        Get-Content -Raw $file | Should -BeExactly '{ "gateway": '
    }
}

Describe 'Pollers' {
    BeforeAll {
        # a crontab of this file's own (TestSupport): the xunit suite's poller tests use the user's real one meanwhile
        $script:savedPath = Use-TestCrontab -TestHome $testHome
        $env:CLAWDTALK_TIME_SCALE = '60'
        $script:sb = Start-TestSandbox -TimeScale 60
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 5 }
        $script:m = Initialize-ClawdTalkMission -Name "Poller $([guid]::NewGuid().ToString('N').Substring(0, 6))" -Instructions 'x' -Request 'y' -Step calls |
            Add-ClawdTalkAgent -Instructions 'Hi'
    }
    AfterAll {
        Get-ClawdTalkPoller | Where-Object Slug -like 'poller-*' | Unregister-ClawdTalkPoller -Force -ErrorAction SilentlyContinue
        $env:PATH = $savedPath
        $sb | Stop-TestSandbox
        Remove-Item env:CLAWDTALK_TIME_SCALE -ErrorAction SilentlyContinue
    }
    It 'Get-ClawdTalkPoller lists the crontab without an error, objects of its own type only' {
        $listed = @(Get-ClawdTalkPoller -ErrorVariable err)
        $err | Should -BeNullOrEmpty
        $listed | Where-Object { $_ -isnot [ClawdTalk.PollerInfo] } | Should -BeNullOrEmpty
        $listed | Where-Object Slug -like 'poller-*' | Should -BeNullOrEmpty   # nothing of this file registered yet
    }
    It 'Register-ClawdTalkPoller -WhatIf registers nothing' {
        $m | Register-ClawdTalkPoller -WhatIf
        Get-ClawdTalkPoller -Slug $m.Slug -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
    It 'registers, lists and unregisters a poller for a mission' {
        $p = $m | Register-ClawdTalkPoller
        $p.Slug | Should -Be $m.Slug
        (Get-ClawdTalkPoller -Slug $m.Slug).Slug | Should -Be $m.Slug
        if (Get-Command crontab -ErrorAction SilentlyContinue) { (crontab -l) -join "`n" | Should -Match ([regex]::Escape($m.Slug)) }
        Unregister-ClawdTalkPoller -Slug $m.Slug -Force
        Get-ClawdTalkPoller -Slug $m.Slug -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
    It 'Invoke-ClawdTalkPoll advances the mission when its calls end' {
        $ev = Register-ClawdTalkCall -Slug $m.Slug -StepId calls -To '+1 212 555 0142' -At (Get-Date).AddMinutes(2) -Force
        $null = $ev | Wait-ClawdTalkEvent -Timeout 120
        $r = Invoke-ClawdTalkPoll -Slug $m.Slug
        $r.Slug | Should -Be $m.Slug
        $r.PendingEvents | Should -Be 0
        (Get-ClawdTalkMissionState -Slug $m.Slug).Status | Should -Be 'Succeeded'
    }
}

Describe 'Gateway setup' {
    BeforeAll {
        $script:gwDir = Join-Path $testHome 'openclaw'
        New-Item -ItemType Directory -Force -Path $gwDir | Out-Null
        $script:gwFile = Join-Path $gwDir 'openclaw.json'
        '{ "gateway": { "port": 18789, "auth": { "token": "gwt_secret_token_for_pester_123" } }, "agents": { "list": [ { "id": "main" } ] } }' | Set-Content $gwFile
    }
    It 'Get-ClawdTalkGateway reads the gateway file without showing its token' {
        $g = Get-ClawdTalkGateway -Path $gwFile -Offline
        $g.ConfigFound | Should -BeTrue
        $g.Port | Should -Be 18789
        $g.TokenPresent | Should -BeTrue
        $g | Assert-NoSecret -Secret 'gwt_secret_token_for_pester_123'
        $g | Out-String | Assert-NoSecret -Secret 'gwt_secret_token_for_pester_123'
    }
    It 'Import-ClawdTalkGatewayConfiguration takes the url (and the token only with -IncludeToken)' {
        $config = Join-Path $testHome 'import-config.json'
        $c = Import-ClawdTalkGatewayConfiguration -Path $gwFile -ConfigPath $config -Force -PassThru
        $c.GatewayUrl | Should -Match ':18789'
        $c.GatewayToken | Should -BeNullOrEmpty
        $c = Import-ClawdTalkGatewayConfiguration -Path $gwFile -ConfigPath $config -IncludeToken -Force -PassThru
        $c.GatewayToken | Should -Not -BeNullOrEmpty
        $c | Assert-NoSecret -Secret 'gwt_secret_token_for_pester_123'
    }
    It 'Get-ClawdTalkStatus reports the whole setup without a secret' {
        $s = Get-ClawdTalkStatus -GatewayPath $gwFile -Offline
        $s.ConfigPath | Should -Be $env:CLAWDTALK_CONFIG
        $s | ConvertTo-Json -Depth 5 | Assert-NoSecret -Secret 'gwt_secret_token_for_pester_123'
    }
}
