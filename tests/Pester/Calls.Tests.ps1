# Direct calls: Start-, Get- and Stop-ClawdTalkCall with the sandbox's magic outcomes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'Start-ClawdTalkCall' {
    It 'places a call that is answered and completes (-Wait)' {
        $c = Start-ClawdTalkCall -To '+1 212 555 0142' -Purpose 'Say hello' -Wait -Timeout 60 -Force
        $c.CallId | Should -Not -BeNullOrEmpty
        $c.Outcome | Should -Be 'answered'
        $c.IsEnded | Should -BeTrue
    }
    It 'gives the magic outcome <Outcome> for a number ending <Suffix>' -ForEach @(
        @{ Suffix = '0001'; Outcome = 'no-answer' }
        @{ Suffix = '0002'; Outcome = 'busy' }
        @{ Suffix = '0003'; Outcome = 'voicemail' }
        @{ Suffix = '0004'; Outcome = 'failed' }
    ) {
        $c = Start-ClawdTalkCall -To "+1 212 555 $Suffix" -Wait -Timeout 60 -Force
        $c.Outcome | Should -Be $Outcome
    }
    It 'places nothing with -WhatIf' {
        $before = @(Get-TestSandboxLog $sb | Where-Object { $_.method -eq 'POST' -and $_.path -eq '/v1/calls' }).Count
        Start-ClawdTalkCall -To '+1 212 555 0142' -WhatIf
        @(Get-TestSandboxLog $sb | Where-Object { $_.method -eq 'POST' -and $_.path -eq '/v1/calls' }).Count | Should -Be $before
    }
    It 'refuses a number that is not a phone number before sending anything' {
        { Start-ClawdTalkCall -To 'not a number' -Force -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPhoneNumber*'
    }
}

Describe 'Get- and Stop-ClawdTalkCall' {
    It 'reads a call by id and from the pipeline' {
        $c = Start-ClawdTalkCall -To '+1 212 555 0177' -Force
        (Get-ClawdTalkCall -CallId $c.CallId).CallId | Should -Be $c.CallId
        ($c | Get-ClawdTalkCall).CallId | Should -Be $c.CallId
        $c | Stop-ClawdTalkCall -Force
    }
    It 'ends a live call, and -PassThru shows it ended' {
        $c = Start-ClawdTalkCall -To '+1 212 555 0178' -Force
        $e = $c | Stop-ClawdTalkCall -Reason 'test_over' -Force -PassThru
        $e.IsEnded | Should -BeTrue
    }
    It 'reports an unknown call with a stable ErrorId' {
        try { Get-ClawdTalkCall -CallId call_999999 -ErrorAction Stop; throw 'no error' }
        catch { $_.FullyQualifiedErrorId | Should -Match '^CallNotFound' }
    }
}
