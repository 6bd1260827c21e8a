# Every output type of the module with the built-in cmdlets a pwsh user reaches for: Select/Where/Sort/Group/Measure,
# ConvertTo-Json and Export-Csv (no secret, no runaway size), table views within 120 columns with the identifying
# column whole; and -WhatIf, -Confirm:$false, -ErrorAction Stop with stable ErrorIds, TabExpansion2 completions.
BeforeDiscovery {
    # type name => the property that identifies a row (it must appear whole in the default view at 120 columns)
    $script:types = @(
        @{ Type = 'MissionState'; Key = 'Slug' }, @{ Type = 'Mission'; Key = 'MissionId' }, @{ Type = 'MissionRun'; Key = 'RunId' },
        @{ Type = 'MissionPlan'; Key = 'RunId' }, @{ Type = 'PlanStep'; Key = 'StepId' }, @{ Type = 'MissionEvent'; Key = 'Summary' },
        @{ Type = 'LinkedAgent'; Key = 'AssistantId' }, @{ Type = 'ConversationInsight'; Key = 'ConversationId' },
        @{ Type = 'MissionMemoryEntry'; Key = 'Key' }, @{ Type = 'Assistant'; Key = 'AssistantId' },
        @{ Type = 'AccountPhoneNumber'; Key = 'PhoneNumber' }, @{ Type = 'ScheduledEvent'; Key = 'EventId' },
        @{ Type = 'DirectCall'; Key = 'CallId' }, @{ Type = 'SmsMessage'; Key = 'Body' }, @{ Type = 'SmsConversation'; Key = 'Contact' },
        @{ Type = 'ApprovalResult'; Key = 'RequestId' }, @{ Type = 'ApprovalRequest'; Key = 'RequestId' },
        @{ Type = 'ConnectionInfo'; Key = 'Server' }, @{ Type = 'ConnectionTestResult'; Key = 'Message' },
        @{ Type = 'Configuration'; Key = 'Path' }, @{ Type = 'StatusReport'; Key = $null }, @{ Type = 'GatewayInfo'; Key = $null }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $env:CLAWDTALK_TIME_SCALE = '60'
    $script:sb = Start-TestSandbox -TimeScale 60
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 5 }
    Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url -GatewayUrl $sb.GatewayUrl -GatewayToken (ConvertTo-SecureString $sb.GatewayToken -AsPlainText -Force)
    $script:info = Connect-ClawdTalk -ApiKey $sb.SecureKey -Server $sb.Url -PassThru
    $script:secrets = @($sb.ApiKey, $sb.GatewayToken)

    # one object of every type, from real calls
    $name = 'Interop mission with a long name to show the whole slug ' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $m = Initialize-ClawdTalkMission -Name $name -Instructions 'Call.' -Request 'Ask.' -Step research, calls | Add-ClawdTalkAgent -Instructions 'Hi'
    Set-ClawdTalkMemory -Slug $m.Slug -Key leads -Value @('a', 'b')
    $ev = @(Register-ClawdTalkCall -Slug $m.Slug -StepId calls -To '+1 212 555 0142' -At (Get-Date).AddMinutes(2) -Force | Wait-ClawdTalkEvent -Timeout 120)
    $approval = Request-ClawdTalkApproval -Action 'Interop' -NoWait
    $script:objects = @{
        MissionState = Get-ClawdTalkMissionState -Slug $m.Slug
        Mission = Get-ClawdTalkMission -Slug $m.Slug
        MissionRun = Get-ClawdTalkRun -Slug $m.Slug
        MissionPlan = Get-ClawdTalkPlan -Slug $m.Slug
        PlanStep = (Get-ClawdTalkPlan -Slug $m.Slug).Steps
        MissionEvent = Get-ClawdTalkEvent -Slug $m.Slug
        LinkedAgent = Get-ClawdTalkLinkedAgent -Slug $m.Slug
        ConversationInsight = $ev | Get-ClawdTalkInsight -PollInterval 0.2 -Timeout 60
        MissionMemoryEntry = Get-ClawdTalkMemory -Slug $m.Slug
        Assistant = Get-ClawdTalkAssistant
        AccountPhoneNumber = Get-ClawdTalkPhoneNumber
        ScheduledEvent = $ev
        DirectCall = Start-ClawdTalkCall -To '+1 212 555 0143' -Force
        SmsMessage = Send-ClawdTalkSms -To '+1 212 555 0144' -Message 'Interop text' -Force
        SmsConversation = Get-ClawdTalkConversation
        ApprovalResult = $approval
        ApprovalRequest = Get-ClawdTalkApproval -RequestId $approval.RequestId
        ConnectionInfo = $info
        ConnectionTestResult = Test-ClawdTalkConnection
        Configuration = Get-ClawdTalkConfiguration
        StatusReport = Get-ClawdTalkStatus -Offline
        GatewayInfo = Get-ClawdTalkGateway -Offline
    }
    $script:mission = $m
}
AfterAll {
    $sb | Stop-TestSandbox
    Remove-Item env:CLAWDTALK_TIME_SCALE -ErrorAction SilentlyContinue
}

Describe 'Output type <Type>' -ForEach $types {
    BeforeAll { $script:o = @($objects[$Type]) }
    It 'is a ClawdTalk.<Type>' {
        $o.Count | Should -BeGreaterThan 0
        $o[0].PSObject.TypeNames | Should -Contain "ClawdTalk.$Type"
    }
    It 'works with Select-Object, Where-Object, Sort-Object, Group-Object and Measure-Object' {
        $first = ($o[0].PSObject.Properties | Select-Object -First 1).Name
        @($o | Select-Object -Property $first).Count | Should -Be $o.Count
        @($o | Where-Object { $null -ne $_ }).Count | Should -Be $o.Count
        @($o | Sort-Object -Property $first).Count | Should -Be $o.Count
        (@($o | Group-Object -Property $first) | Measure-Object -Property Count -Sum).Sum | Should -Be $o.Count
        ($o | Measure-Object).Count | Should -Be $o.Count
    }
    It 'converts to JSON at depth 5 without a secret or a runaway size' {
        $json = $o | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue
        $json.Length | Should -BeLessThan 500000
        $json | Assert-NoSecret -Secret $secrets
        @($json | ConvertFrom-Json).Count | Should -Be $o.Count
    }
    It 'exports to CSV without a secret' {
        $csv = Join-Path $testHome "$Type.csv"
        $o | Export-Csv -Path $csv
        @(Import-Csv $csv).Count | Should -Be $o.Count
        Get-Content -Raw $csv | Assert-NoSecret -Secret $secrets
    }
    It 'shows its default view within 120 columns, the identifying column whole' {
        $text = $o | Out-String -Width 120
        $text | Assert-NoSecret -Secret $secrets
        $long = $text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }
        $long | Should -BeNullOrEmpty
        $table = $o | Format-Table | Out-String -Width 120
        ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
        if ($Key) {
            foreach ($value in ($o | Select-Object -First 3 | ForEach-Object $Key)) {
                if ("$value".Length -le 66) { $text | Should -Match ([regex]::Escape("$value")) -Because "$Key must not be cut" }
            }
        }
    }
}

Describe 'Two missions whose names differ only at the end' {
    It 'read differently in the MissionState table' {
        $base = 'Contact every plumber in the north district about ' + [guid]::NewGuid().ToString('N').Substring(0, 4)
        $a = Initialize-ClawdTalkMission -Name "$base one" -Instructions 'x' -Request 'y'
        $b = Initialize-ClawdTalkMission -Name "$base two" -Instructions 'x' -Request 'y'
        $text = $a, $b | Out-String -Width 120
        $text | Should -Match ([regex]::Escape($a.Slug))
        $text | Should -Match ([regex]::Escape($b.Slug))
    }
}

Describe 'Common parameters' {
    It '-WhatIf changes nothing (Set-ClawdTalkMemory)' {
        Set-ClawdTalkMemory -Slug $mission.Slug -Key whatif -Value 1 -WhatIf
        { Get-ClawdTalkMemory -Slug $mission.Slug -Key whatif -ErrorAction Stop } | Should -Throw -ErrorId 'MemoryKeyNotFound*'
    }
    It '-Confirm:$false runs a high-impact command without a prompt (Stop-ClawdTalkMission)' {
        $m = Initialize-ClawdTalkMission -Name "Confirm $([guid]::NewGuid().ToString('N').Substring(0, 6))" -Instructions 'x' -Request 'y'
        ($m | Stop-ClawdTalkMission -Reason 'no prompt' -Confirm:$false).Status | Should -Be 'Cancelled'
    }
    It '-ErrorAction Stop gives a catchable error with the stable ErrorId <Id>' -ForEach @(
        @{ Id = 'MissionNotFound'; Script = { Get-ClawdTalkMission -MissionId mis_999999 -ErrorAction Stop } }
        @{ Id = 'MissionStateNotFound'; Script = { Get-ClawdTalkMemory -Slug no-such-mission -ErrorAction Stop } }
        @{ Id = 'InvalidPhoneNumber'; Script = { Send-ClawdTalkSms -To 'abc' -Message 'x' -Force -ErrorAction Stop } }
        @{ Id = 'CallNotFound'; Script = { Get-ClawdTalkCall -CallId call_999999 -ErrorAction Stop } }
    ) {
        $caught = $null
        try { & $Script } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Match "^$Id(,|$)"
    }
}

Describe 'TabExpansion2 completions' {
    It 'completes mission slugs' {
        $line = 'Get-ClawdTalkMemory -Slug interop'
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Contain $mission.Slug
    }
    It 'completes the step ids of the mission named on the line' {
        $line = "Set-ClawdTalkStep -Slug $($mission.Slug) -StepId "
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'research'
    }
    It 'completes memory keys' {
        $line = "Get-ClawdTalkMemory -Slug $($mission.Slug) -Key "
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Contain 'leads'
    }
}
