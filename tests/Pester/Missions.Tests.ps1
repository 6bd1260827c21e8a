# Missions end to end against the sandbox: initialise, agents, steps, events, runs and plans, memory, state, and the
# README's headline pipeline at time scale 60.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $env:CLAWDTALK_TIME_SCALE = '60'
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 20 }
    function New-Name([string] $Prefix) { "$Prefix $([guid]::NewGuid().ToString('N').Substring(0, 8))" }
    function New-TestMission([string] $Prefix = 'Pester mission', [string[]] $Step = @('research', 'calls')) {
        Initialize-ClawdTalkMission -Name (New-Name $Prefix) -Instructions 'Call and ask.' -Request 'Find out.' -Step $Step
    }
}
AfterAll {
    $sb | Stop-TestSandbox
    Remove-Item env:CLAWDTALK_TIME_SCALE -ErrorAction SilentlyContinue
}

Describe 'Initialize-ClawdTalkMission' {
    It 'creates the mission, a running run and the plan, and remembers them by slug' {
        $m = New-TestMission
        $m.MissionId | Should -Match '^mis_'
        $m.RunId | Should -Match '^run_'
        $m.StepIds | Should -Be @('research', 'calls')
        (Get-ClawdTalkRun -Slug $m.Slug).Status | Should -Be 'Running'
        (Get-ClawdTalkMissionState -Slug $m.Slug).MissionId | Should -Be $m.MissionId
    }
    It 'resumes the same run when called again with the same name' {
        $name = New-Name 'Resume'
        $a = Initialize-ClawdTalkMission -Name $name -Instructions 'i' -Request 'r' -Step one
        $b = Initialize-ClawdTalkMission -Name $name -Instructions 'i' -Request 'r' -Step one
        $b.RunId | Should -Be $a.RunId
        @(Get-ClawdTalkRun -MissionId $a.MissionId).Count | Should -Be 1
    }
    It 'warns, naming the mission, when a known name comes with new instructions' {
        $name = New-Name 'Instructions'
        $null = Initialize-ClawdTalkMission -Name $name -Instructions 'old words' -Request 'r' -Step one
        $null = Initialize-ClawdTalkMission -Name $name -Instructions 'new words' -Request 'r' -Step one -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match ([regex]::Escape($name))
        "$w" | Should -Match 'old words'
        "$w" | Should -Match 'new mission|another name'
        (Get-ClawdTalkMission -Slug (Get-ClawdTalkMissionState | Where-Object MissionName -eq $name).Slug).Instructions | Should -Be 'old words'
    }
    It 'says nothing when the instructions are the same' {
        $name = New-Name 'Same'
        $null = Initialize-ClawdTalkMission -Name $name -Instructions 'same' -Request 'r' -Step one
        $null = Initialize-ClawdTalkMission -Name $name -Instructions 'same' -Request 'r' -Step one -WarningVariable w
        $w | Should -BeNullOrEmpty
    }
    It 'creates nothing with -WhatIf' {
        $name = New-Name 'WhatIf'
        Initialize-ClawdTalkMission -Name $name -Instructions 'i' -Request 'r' -WhatIf
        Get-ClawdTalkMissionState | Where-Object MissionName -eq $name | Should -BeNullOrEmpty
    }
    It 'pipes into Register-ClawdTalkPoller before any agent exists (empty AssistantId)' {
        $m = New-TestMission 'Poller pipe'
        $m.AssistantId | Should -BeNullOrEmpty
        $m | Register-ClawdTalkPoller -WhatIf -ErrorAction Stop
    }
}

Describe 'Add-ClawdTalkAgent and linked agents' {
    BeforeAll { $script:m = New-TestMission 'Agent' | Add-ClawdTalkAgent -Instructions 'You call plumbers.' }
    It 'creates an assistant with a number and links it to the run' {
        $m.AssistantId | Should -Match '^ast_'
        $m.AgentPhone | Should -Match '^\+1'
        (Get-ClawdTalkLinkedAgent -Slug $m.Slug).AssistantId | Should -Contain $m.AssistantId
    }
    It 'links and unlinks another assistant' {
        $other = New-ClawdTalkAssistant -Name (New-Name 'Other') -Instructions 'x'
        $null = Add-ClawdTalkLinkedAgent -Slug $m.Slug -AssistantId $other.AssistantId
        (Get-ClawdTalkLinkedAgent -Slug $m.Slug).AssistantId | Should -Contain $other.AssistantId
        Remove-ClawdTalkLinkedAgent -Slug $m.Slug -AssistantId $other.AssistantId -Force
        (Get-ClawdTalkLinkedAgent -Slug $m.Slug).AssistantId | Should -Not -Contain $other.AssistantId
    }
}

Describe 'Steps, events, runs and plans' {
    It 'Set-ClawdTalkStep moves a step and logs it; the last step ends the run' {
        $m = New-TestMission 'Steps' -Step one, two
        $m | Set-ClawdTalkStep -StepId one -Status in_progress
        $m | Set-ClawdTalkStep -StepId one -Status completed -Summary 'done one'
        (Get-ClawdTalkPlan -Slug $m.Slug).Steps.Where({ $_.StepId -eq 'one' }).Status | Should -Be 'Completed'
        (Get-ClawdTalkEvent -Slug $m.Slug -StepId one).Count | Should -BeGreaterOrEqual 2
        $m | Set-ClawdTalkStep -StepId two -Status completed
        (Get-ClawdTalkRun -Slug $m.Slug).Status | Should -Be 'Succeeded'
    }
    It 'Write-ClawdTalkEvent logs an event that Get-ClawdTalkEvent reads back, filtered by type' {
        $m = New-TestMission 'Events'
        $e = $m | Write-ClawdTalkEvent -Type message -Summary 'hello timeline' -Payload @{ n = 1 }
        $e.Summary | Should -Be 'hello timeline'
        @(Get-ClawdTalkEvent -Slug $m.Slug -Type message).Summary | Should -Contain 'hello timeline'
    }
    It 'New-ClawdTalkMission, New-ClawdTalkRun, New-ClawdTalkPlan and Set-ClawdTalkRun work by ids' {
        $mission = New-ClawdTalkMission -Name (New-Name 'Low level') -Instructions 'by ids'
        (Get-ClawdTalkMission -MissionId $mission.MissionId).Name | Should -Be $mission.Name
        $run = New-ClawdTalkRun -MissionId $mission.MissionId -Request 'do it'
        $plan = New-ClawdTalkPlan -MissionId $mission.MissionId -RunId $run.RunId -Step a, b
        $plan.Steps.StepId | Should -Be @('a', 'b')
        Set-ClawdTalkRun -MissionId $mission.MissionId -RunId $run.RunId -Status running
        (Get-ClawdTalkRun -MissionId $mission.MissionId -RunId $run.RunId).Status | Should -Be 'Running'
        (Get-ClawdTalkPlan -MissionId $mission.MissionId -RunId $run.RunId).Steps.Count | Should -Be 2
    }
    It 'Get-ClawdTalkRun lists the runs of a mission piped in (a Mission has no RunId)' {
        $mission = New-ClawdTalkMission -Name (New-Name 'Runs') -Instructions 'x'
        $null = New-ClawdTalkRun -MissionId $mission.MissionId -Request 'one'
        $null = New-ClawdTalkRun -MissionId $mission.MissionId -Request 'two'
        @($mission | Get-ClawdTalkRun -ErrorAction Stop).Count | Should -Be 2
    }
    It 'Get-ClawdTalkMission lists missions by name' {
        $name = New-Name 'Listed'
        $null = New-ClawdTalkMission -Name $name -Instructions 'x'
        (Get-ClawdTalkMission -Name $name).Name | Should -Be $name
    }
}

Describe 'Memory' {
    BeforeAll { $script:m = New-TestMission 'Memory' }
    It 'enumerates a stored list to the pipeline (-ValueOnly)' {
        1..200 | ForEach-Object { [pscustomobject]@{ n = $_ } } | Add-ClawdTalkMemory -Slug $m.Slug -Key items
        @(Get-ClawdTalkMemory -Slug $m.Slug -Key items -ValueOnly).Count | Should -Be 200
        @(Get-ClawdTalkMemory -Slug $m.Slug -Key items -ValueOnly | Where-Object n -gt 150).Count | Should -Be 50
    }
    It 'Set-ClawdTalkMemory replaces a value; a scalar comes back as itself' {
        Set-ClawdTalkMemory -Slug $m.Slug -Key answer -Value 42
        Get-ClawdTalkMemory -Slug $m.Slug -Key answer -ValueOnly | Should -Be 42
        Set-ClawdTalkMemory -Slug $m.Slug -Key answer -Value 'forty-two'
        Get-ClawdTalkMemory -Slug $m.Slug -Key answer -ValueOnly | Should -Be 'forty-two'
    }
    It 'lists keys by wildcard and fails with MemoryKeyNotFound on an unknown key' {
        (Get-ClawdTalkMemory -Slug $m.Slug -Key 'ans*').Key | Should -Contain 'answer'
        { Get-ClawdTalkMemory -Slug $m.Slug -Key nope -ErrorAction Stop } | Should -Throw -ErrorId 'MemoryKeyNotFound*'
    }
}

Describe 'Mission state' {
    It 'exports, removes and imports a mission state' {
        $m = New-TestMission 'State'
        $file = Join-Path $testHome 'export.json'
        Copy-Item $env:CLAWDTALK_STATE $file
        Remove-ClawdTalkMissionState -Slug $m.Slug -Force
        Get-ClawdTalkMissionState -Slug $m.Slug -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $null = Import-ClawdTalkMissionState -Path $file -Slug $m.Slug -Force
        (Get-ClawdTalkMissionState -Slug $m.Slug).RunId | Should -Be $m.RunId
    }
    It 'filters by status' {
        $m = New-TestMission 'Stopped'
        $null = $m | Stop-ClawdTalkMission -Reason 'not needed' -Force
        (Get-ClawdTalkMissionState -Status Cancelled).Slug | Should -Contain $m.Slug
        (Get-ClawdTalkMissionState -Status Active).Slug | Should -Not -Contain $m.Slug
    }
}

Describe 'Complete- and Stop-ClawdTalkMission' {
    It 'completes a mission once, with its summary and payload' {
        $m = New-TestMission 'Complete'
        $done = $m | Complete-ClawdTalkMission -Summary 'All good' -Payload @{ n = 3 }
        $done.Status | Should -Be 'Succeeded'
        $run = Get-ClawdTalkRun -Slug $m.Slug
        $run.ResultSummary | Should -Be 'All good'
        @(Get-ClawdTalkEvent -Slug $m.Slug | Where-Object Summary -like 'Mission succeeded*').Count | Should -Be 1
    }
    It 'logs "Mission succeeded" once when the last step ended the run before Complete-ClawdTalkMission' {
        $m = New-TestMission 'Once' -Step one
        $m | Set-ClawdTalkStep -StepId one -Status completed
        $null = $m | Complete-ClawdTalkMission -Summary 'Final words'
        $events = Get-ClawdTalkEvent -Slug $m.Slug
        @($events | Where-Object Summary -like 'Mission succeeded*').Count | Should -Be 1
        $events.Summary | Should -Contain 'Mission result: Final words'
        (Get-ClawdTalkRun -Slug $m.Slug).ResultSummary | Should -Be 'Final words'
    }
    It 'acts once for many objects of one mission piped in' {
        $m = New-TestMission 'Many'
        $out = @($m, $m, $m | Complete-ClawdTalkMission -Summary 'once')
        $out.Count | Should -Be 1
        @(Get-ClawdTalkEvent -Slug $m.Slug | Where-Object Summary -like 'Mission succeeded*').Count | Should -Be 1
    }
    It 'Stop-ClawdTalkMission cancels the run and skips open steps' {
        $m = New-TestMission 'Stop'
        $s = @($m, $m | Stop-ClawdTalkMission -Reason 'budget' -Force)
        $s.Count | Should -Be 1
        $s[0].Status | Should -Be 'Cancelled'
        (Get-ClawdTalkPlan -Slug $m.Slug).Steps.Status | Should -Be @('Skipped', 'Skipped')
    }
    It 'refuses to complete a cancelled mission without -Force (MissionAlreadyEnded)' {
        $m = New-TestMission 'Ended'
        $null = $m | Stop-ClawdTalkMission -Reason 'x' -Force
        { $m | Complete-ClawdTalkMission -Summary 'no' -ErrorAction Stop } | Should -Throw -ErrorId 'MissionAlreadyEnded*'
    }
}

Describe "The README's headline pipeline" {
    It 'calls every number, waits, gathers every insight and completes the mission once, at the end' {
        $numbers = '+1 212 555 0142', '+1 212 555 0157', '+1 212 555 0163'
        $name = New-Name 'Find a plumber'
        $final = Initialize-ClawdTalkMission -Name $name -Instructions 'Call plumbers for a quote.' -Request 'Call three plumbers' -Step research, calls |
            Add-ClawdTalkAgent -Instructions 'You are calling plumbers for a quote.' |
            Register-ClawdTalkCall -To $numbers -At (Get-Date).AddMinutes(2) -Force |
            Wait-ClawdTalkEvent -Timeout 120 | Get-ClawdTalkInsight -PollInterval 0.2 -Timeout 60 |
            Complete-ClawdTalkMission -Summary 'Three quotes gathered'
        @($final).Count | Should -Be 1
        $final.Status | Should -Be 'Succeeded'
        $insights = Get-ClawdTalkMemory -Slug $final.Slug -Key insights -ValueOnly
        @($insights).Count | Should -Be 3
        $run = Get-ClawdTalkRun -Slug $final.Slug
        $run.ResultSummary | Should -Be 'Three quotes gathered'
        @($run.ResultPayload.insights).Count | Should -Be 3
        $steps = (Get-ClawdTalkPlan -Slug $final.Slug).Steps
        ($steps | Where-Object StepId -eq 'calls').Status | Should -Be 'Completed'
        @(Get-ClawdTalkEvent -Slug $final.Slug | Where-Object Summary -like 'Mission succeeded*').Count | Should -Be 1
    }
}
