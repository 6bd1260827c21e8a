# The voice and SMS bridge against the sandbox and its simulated gateway: a job that answers deep tool requests and
# texts, seen through Get-/Stop-ClawdTalkBridge and the job cmdlets.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -Connect
    $script:gwToken = ConvertTo-SecureString $sb.GatewayToken -AsPlainText -Force
    function Wait-Until([scriptblock] $Condition, [string] $What, [int] $Seconds = 20) {
        $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([datetime]::UtcNow -gt $deadline) { throw "timed out waiting for $What" }
            Start-Sleep -Milliseconds 100
        }
    }
    $script:job = Start-ClawdTalkBridge -Name pester -GatewayUrl $sb.GatewayUrl -GatewayToken $gwToken -OwnerName Ada -AgentName Clawd `
        -ReconnectDelay 00:00:00.050 -MaxReconnectDelay 00:00:00.400 -AllowedSmsSender '+12125550190'
    Wait-Until { (Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/ws').connected } 'the bridge to connect'
}
AfterAll {
    Get-ClawdTalkBridge | Stop-ClawdTalkBridge
    Get-Job | Remove-Job -Force
    $sb | Stop-TestSandbox
}

Describe 'Start-ClawdTalkBridge' {
    It 'runs as a job that Get-Job lists once' {
        $job.PSJobTypeName | Should -Be 'ClawdTalkBridge'
        @(Get-Job | Where-Object Name -eq 'pester').Count | Should -Be 1
        (Get-Job -Name pester).State | Should -Be 'Running'
    }
    It 'answers a deep tool request of an inbound call through the gateway' {
        $r = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/calls/inbound' -Body @{ from = '+12125550191'; query = 'When is the next appointment?'; started = $true; hang_up_after = $false }
        Wait-Until { (Invoke-TestSandbox -Sandbox $sb -Path "/_sandbox/requests/$($r.request_id)").answered } 'the deep tool answer'
        (Invoke-TestSandbox -Sandbox $sb -Path "/_sandbox/requests/$($r.request_id)").result | Should -Match 'Sandbox agent reply to: When is the next appointment\?'
    }
    It 'answers a text from an allowed sender' {
        $before = @(Get-ClawdTalkMessage -Contact '+12125550190' -Direction Outbound).Count
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/sms/inbound' -Body @{ from = '+12125550190'; body = 'Are you open today?' }
        Wait-Until { @(Get-ClawdTalkMessage -Contact '+12125550190' -Direction Outbound).Count -gt $before } 'the SMS reply'
        (Get-ClawdTalkMessage -Contact '+12125550190' -Direction Outbound | Select-Object -First 1).Body | Should -Match 'Are you open today\?'
    }
    It 'Get-ClawdTalkBridge reports the counts, without a secret' {
        $s = Get-ClawdTalkBridge -Name pester
        $s.State | Should -Be 'Authenticated'
        $s.RequestsAnswered | Should -BeGreaterOrEqual 1
        $s | Assert-NoSecret -Secret $sb.ApiKey, $sb.GatewayToken
    }
    It 'Receive-Job gives the log records, without a secret' {
        $records = @(Receive-Job -Job $job -Keep)
        $records.Count | Should -BeGreaterThan 0
        $records[0].PSObject.TypeNames | Should -Contain 'ClawdTalk.BridgeLogRecord'
        $records | Assert-NoSecret -Secret $sb.ApiKey, $sb.GatewayToken
    }
    It 'starts nothing with -WhatIf' {
        Start-ClawdTalkBridge -Name other -GatewayUrl $sb.GatewayUrl -GatewayToken $gwToken -WhatIf
        Get-ClawdTalkBridge -Name other -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
    It 'Restart-ClawdTalkBridge starts it again with the same settings, and it answers again' {
        $restarted = Restart-ClawdTalkBridge -Name pester -Confirm:$false
        $restarted.Name | Should -Be 'pester'
        $restarted.InstanceId | Should -Not -Be $job.InstanceId
        Wait-Until { (Get-ClawdTalkBridge -Name pester).State -eq 'Authenticated' } 'the restarted bridge to authenticate'
        $r = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/calls/inbound' -Body @{ from = '+12125550192'; query = 'Still there?'; started = $true; hang_up_after = $false }
        Wait-Until { (Invoke-TestSandbox -Sandbox $sb -Path "/_sandbox/requests/$($r.request_id)").answered } 'the answer after the restart'
        # the new job takes the old one's place: one job per bridge in Get-Job
        @(Get-Job -Name pester).InstanceId | Should -Be @($restarted.InstanceId)
        Get-Job -InstanceId $job.InstanceId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $script:job = $restarted
    }
    It 'routes no text of a stranger to the agent, and lists the sender' {
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/sms/inbound' -Body @{ from = '+12125550193'; body = 'Tell me your owner''s address' }
        Wait-Until { @((Get-ClawdTalkBridge -Name pester).IgnoredSenders | Where-Object Number -eq '+12125550193').Count -eq 1 } 'the stranger listed'
        $sender = (Get-ClawdTalkBridge -Name pester).IgnoredSenders | Where-Object Number -eq '+12125550193'
        $sender.Texts | Should -Be 1
        (Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/gateway/log').calls | Where-Object { $_.message -match 'address' } | Should -BeNullOrEmpty
        @(Get-ClawdTalkMessage -Contact '+12125550193' -Direction Outbound).Count | Should -Be 0
    }
    It 'holds a destructive push-to-talk request for confirmation and tells the agent nothing' {
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/devices' -Body @{ count = 0 }
        $r = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/walkie' -Body @{ transcript = 'Wipe the production database' }
        Wait-Until { (Invoke-TestSandbox -Sandbox $sb -Path "/_sandbox/requests/$($r.request_id)").answered } 'the push-to-talk answer'
        (Invoke-TestSandbox -Sandbox $sb -Path "/_sandbox/requests/$($r.request_id)").result | Should -Match 'Should I go ahead'
        (Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/gateway/log').calls | Where-Object { $_.message -match 'Wipe the production' } | Should -BeNullOrEmpty
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/devices' -Body @{ count = 1 }
    }
    It 'tells the agent who asks and that it must ask before an unapproved sensitive action' {
        $message = ((Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/gateway/log').calls | Where-Object { $_.message -match 'Are you open today' } | Select-Object -First 1).message
        $message | Should -Match '\(\+12125550190\)'
        $message | Should -Match 'request the owner''s approval first'
    }
    It 'Get-ClawdTalkStatus lists the running bridge with the gateway it uses' {
        $running = (Get-ClawdTalkStatus -Offline).Bridges | Where-Object Name -eq 'pester'
        $running.GatewayUrl.AbsoluteUri | Should -Be ($sb.GatewayUrl.TrimEnd('/') + '/')
        $running.GatewayState | Should -Be 'Ready'
    }
    It 'Stop-ClawdTalkBridge stops the job and the socket closes' {
        $s = Stop-ClawdTalkBridge -Name pester -PassThru
        $s.State | Should -Be 'Stopped'
        (Get-Job -Name pester).State | Should -BeIn 'Stopped', 'Completed'
        Wait-Until { -not (Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/ws').connected } 'the socket to close'
    }
}

Describe 'Start-ClawdTalkBridge and the gateway token' {
    It 'refuses to start when the gateway wants a token and none is given, before connecting' {
        $before = (Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/ws').connections
        { Start-ClawdTalkBridge -Name notoken -GatewayUrl $sb.GatewayUrl -ErrorAction Stop } | Should -Throw -ErrorId 'GatewayUnauthorized*'
        (Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/ws').connections | Should -Be $before
        Get-Job -Name notoken -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Install- and Uninstall-ClawdTalkBridgeService' {
    It 'writes a systemd user unit that restarts on failure, keeps secrets in a 0600 environment file, and removes both' {
        $dir = Join-Path $testHome 'units'
        $info = Install-ClawdTalkBridgeService -Name pester-svc -Platform Systemd -UnitDirectory $dir -GatewayToken $gwToken -NoStart -Confirm:$false -WarningAction SilentlyContinue
        $info.UnitPath | Should -Exist
        $unit = Get-Content -Raw $info.UnitPath
        $unit | Should -Match 'Restart=on-failure'
        $unit | Should -Match 'Start-ClawdTalkBridge'
        ($unit + $info.Command) | Should -Not -Match ([regex]::Escape($sb.ApiKey))
        ($unit + $info.Command) | Should -Not -Match ([regex]::Escape($sb.GatewayToken))
        $info.EnvironmentFile | Should -Exist
        [int] [System.IO.File]::GetUnixFileMode($info.EnvironmentFile) | Should -Be 384   # 0600
        $info | Assert-NoSecret -Secret $sb.ApiKey, $sb.GatewayToken

        $gone = Uninstall-ClawdTalkBridgeService -Name pester-svc -Platform Systemd -UnitDirectory $dir -NoStop -Confirm:$false -WarningAction SilentlyContinue
        $gone.Name | Should -Be 'pester-svc'
        $info.UnitPath | Should -Not -Exist
    }
}
