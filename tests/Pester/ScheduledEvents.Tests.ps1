# Scheduled events against the sandbox at time scale 60: assistants, numbers, scheduled calls and texts (from CSV rows too),
# waits with retries, insights, and the scheduled events read and cancelled.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $env:CLAWDTALK_TIME_SCALE = '60'
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 20 }
    function New-Name([string] $Prefix) { "$Prefix $([guid]::NewGuid().ToString('N').Substring(0, 8))" }
    function New-AgentMission([string] $Prefix = 'Outreach', [string[]] $Step = @('calls')) {
        Initialize-ClawdTalkMission -Name (New-Name $Prefix) -Instructions 'Call.' -Request 'Ask.' -Step $Step |
            Add-ClawdTalkAgent -Instructions 'You call people.'
    }
}
AfterAll {
    $sb | Stop-TestSandbox
    Remove-Item env:CLAWDTALK_TIME_SCALE -ErrorAction SilentlyContinue
}

Describe 'Assistants' {
    It 'New-, Get- and Set-ClawdTalkAssistant' {
        $name = New-Name 'Receptionist'
        $a = New-ClawdTalkAssistant -Name $name -Instructions 'Be kind.' -Greeting 'Hi'
        $a.AssistantId | Should -Match '^ast_'
        (Get-ClawdTalkAssistant -Name $name).AssistantId | Should -Be $a.AssistantId
        (Get-ClawdTalkAssistant -AssistantId $a.AssistantId -IncludeConnectionId).TelephonyConnectionId | Should -Not -BeNullOrEmpty
        $b = Set-ClawdTalkAssistant -AssistantId $a.AssistantId -Instructions 'Be brief.' -PassThru
        $b.Instructions | Should -Be 'Be brief.'
    }
    It 'clones an assistant piped into New-ClawdTalkAssistant' {
        $a = New-ClawdTalkAssistant -Name (New-Name 'Original') -Instructions 'Copy me.'
        $copy = $a | Select-Object @{ n = 'Name'; e = { $_.Name + ' copy' } }, Instructions, Voice, Model, Greeting | New-ClawdTalkAssistant
        $copy.Instructions | Should -Be 'Copy me.'
        $copy.AssistantId | Should -Not -Be $a.AssistantId
    }
    It 'pages with -First and -Skip, and counts with -IncludeTotalCount' {
        1..3 | ForEach-Object { $null = New-ClawdTalkAssistant -Name (New-Name 'Paged') -Instructions 'x' }
        @(Get-ClawdTalkAssistant -First 2).Count | Should -Be 2
        $all = @(Get-ClawdTalkAssistant)
        (Get-ClawdTalkAssistant -Skip 1 -First 1).AssistantId | Should -Be $all[1].AssistantId
    }
}

Describe 'Phone numbers' {
    It 'lists the account numbers and the available one' {
        (Get-ClawdTalkPhoneNumber).PhoneNumber | Should -Contain '+12125550101'
        @(Get-ClawdTalkPhoneNumber -Available).Count | Should -BeGreaterOrEqual 1
    }
    It 'Set-ClawdTalkPhoneNumber binds a number to an assistant' {
        $a = New-ClawdTalkAssistant -Name (New-Name 'Numbered') -Instructions 'x'
        $n = @(Get-ClawdTalkPhoneNumber -Available)[0]
        $set = Set-ClawdTalkPhoneNumber -PhoneNumberId $n.PhoneNumberId -AssistantId $a.AssistantId -Type voice -Force -PassThru
        $set.ConnectionId | Should -Not -BeNullOrEmpty
        (Get-ClawdTalkPhoneNumber -Available).PhoneNumberId | Should -Not -Contain $n.PhoneNumberId
    }
}

Describe 'Register-ClawdTalkCall and Wait-ClawdTalkEvent' {
    It 'schedules calls from Import-Csv rows and waits for them to end' {
        $m = New-AgentMission 'Csv calls'
        $csv = Join-Path $testHome 'leads.csv'
        "Name,Phone`nAda,+1 212 555 0142`nGrace,+1 212 555 0143" | Set-Content $csv
        $events = @(Import-Csv $csv | Register-ClawdTalkCall -Slug $m.Slug -StepId calls -At (Get-Date).AddMinutes(2) -Force)
        $events.Count | Should -Be 2
        $events.Name | Should -Be @('Ada', 'Grace')
        $done = @($events | Wait-ClawdTalkEvent -Timeout 120)
        $done.Status | Should -Be @('Completed', 'Completed')
        $done.ConversationId | Should -Not -BeNullOrEmpty
    }
    It 'retries a no-answer (0005) and the retry is answered' {
        $m = New-AgentMission 'Retry'
        $ev = Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0005' -At (Get-Date).AddMinutes(2) -Force
        $done = $ev | Wait-ClawdTalkEvent -MaxAttempts 2 -RetryDelay 00:01:00 -Timeout 180 -Force
        $done.Attempt | Should -Be 2
        $done.Outcome | Should -Be 'answered'
    }
    It 'gives up after the attempts allowed on a number that never answers (0001)' {
        $m = New-AgentMission 'Never'
        $ev = Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0001' -At (Get-Date).AddMinutes(2) -Force
        $done = $ev | Wait-ClawdTalkEvent -MaxAttempts 2 -RetryDelay 00:01:00 -Timeout 180 -Force -WarningAction SilentlyContinue
        $done.Outcome | Should -Be 'no-answer'
        $done.Attempt | Should -Be 2
    }
    It 'reads insights of the answered calls only (a busy call has no conversation)' {
        $m = New-AgentMission 'Insights'
        $events = Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0147', '+1 212 555 0002' -At (Get-Date).AddMinutes(2) -Force
        $insights = @($events | Wait-ClawdTalkEvent -Timeout 120 | Get-ClawdTalkInsight -PollInterval 0.2 -Timeout 60 -ErrorAction Stop)
        $insights.Count | Should -Be 1
        $insights[0].Summary | Should -Match 'Interest score 8/10'
        $insights[0].Slug | Should -Be $m.Slug
    }
    It 'schedules nothing with -WhatIf, and lists each number once' {
        $m = New-AgentMission 'WhatIf'
        $before = @(Get-TestSandboxLog $sb | Where-Object { $_.method -eq 'POST' -and $_.path -like '/v1/assistants/*/events' }).Count
        Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0148' -At (Get-Date).AddMinutes(2) -WhatIf
        @(Get-TestSandboxLog $sb | Where-Object { $_.method -eq 'POST' -and $_.path -like '/v1/assistants/*/events' }).Count | Should -Be $before
    }
    It 'moves -At (Get-Date).AddMinutes(1) to the service''s minimum with a warning, and schedules it' {
        $m = New-AgentMission 'A minute ahead'
        $asked = (Get-Date).AddMinutes(1)
        $ev = Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0149' -StepId calls -At $asked -Force -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
        $ev.EventId | Should -Not -BeNullOrEmpty
        ($warned -join ' ') | Should -Match 'moved to'
        $ev.ScheduledAt | Should -BeGreaterThan ([datetimeoffset]$asked)
        $applied = @(Get-TestSandboxLog $sb | Where-Object { $_.method -eq 'POST' -and $_.path -like '/v1/assistants/*/events' -and $_.status -eq 201 -and $_.body -like '*+12125550149*' })
        $applied.Count | Should -Be 1
    }
    It 'refuses a time in the past with a stable ErrorId' {
        $m = New-AgentMission 'Too late'
        try { Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0149' -At (Get-Date).AddSeconds(-5) -Force -ErrorAction Stop; throw 'no error' }
        catch { $_.FullyQualifiedErrorId | Should -Match '^ScheduleInPast,' }
    }
}

Describe 'Register-ClawdTalkSms' {
    It 'schedules texts from CSV rows and they are sent' {
        $m = New-AgentMission 'Texts'
        $csv = Join-Path $testHome 'sms-leads.csv'
        "Name,Phone`nAda,+1 212 555 0161`nGrace,+1 212 555 0162" | Set-Content $csv
        $events = @(Import-Csv $csv | Register-ClawdTalkSms -Slug $m.Slug -Message 'See you Tuesday' -At (Get-Date).AddMinutes(2) -Force)
        $events.Count | Should -Be 2
        $events.Channel | Should -Be @('Sms', 'Sms')
        $done = @($events | Wait-ClawdTalkEvent -Timeout 120)
        $done.Status | Should -Be @('Completed', 'Completed')
        (Get-ClawdTalkMessage -Contact '+12125550161').Body | Should -Contain 'See you Tuesday'
    }
}

Describe 'Get- and Unregister-ClawdTalkScheduledEvent' {
    It 'lists the events of a mission and cancels the pending ones' {
        $m = New-AgentMission 'Cancel'
        $null = Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0171', '+1 212 555 0172' -At (Get-Date).AddHours(2) -Force
        @(Get-ClawdTalkScheduledEvent -Slug $m.Slug).Count | Should -Be 2
        @(Get-ClawdTalkScheduledEvent -Slug $m.Slug -Status Pending).Count | Should -Be 2
        $gone = @(Unregister-ClawdTalkScheduledEvent -Slug $m.Slug -Force -PassThru)
        $gone.Count | Should -Be 2
        @(Get-ClawdTalkScheduledEvent -Slug $m.Slug -Status Pending).Count | Should -Be 0
    }
    It 'reads events by assistant and id' {
        $m = New-AgentMission 'By id'
        $ev = Register-ClawdTalkCall -Slug $m.Slug -To '+1 212 555 0173' -At (Get-Date).AddHours(2) -Force
        (Get-ClawdTalkScheduledEvent -AssistantId $ev.AssistantId -EventId $ev.EventId).EventId | Should -Be $ev.EventId
        $ev | Unregister-ClawdTalkScheduledEvent -Force
    }
}
