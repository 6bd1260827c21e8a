# -WhatIf and -Confirm as PowerShell means them, in the real pwsh: an outer -WhatIf (a script's advanced function) and
# $WhatIfPreference reach a cmdlet called with -Force; an outer -Confirm still asks (this pwsh cannot answer, so the
# prompt becomes an error and nothing is sent). tests/ClawdTalk.Tests/Reliability/ShouldProcessTests proves it for every
# cmdlet by reflection; this file shows it where users run it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 5 }
    function Get-Writes { @(Get-TestSandboxLog $sb | Where-Object { $_.method -ne 'GET' }).Count }
    # what a user's script looks like: an advanced function that passes its -WhatIf/-Confirm on to what it calls
    function Send-Reminder {
        [CmdletBinding(SupportsShouldProcess)]
        param([string] $To)
        Send-ClawdTalkSms -To $To -Message 'Your table is ready.' -Force
    }
    function Invoke-Sweep {
        [CmdletBinding(SupportsShouldProcess)]
        param($Mission)
        Register-ClawdTalkCall -Slug $Mission.Slug -To '+1 212 555 0161' -StepId calls -Force
    }
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'ShouldProcess with -Force' {
    BeforeAll {
        $script:mission = Initialize-ClawdTalkMission -Name "Trust $([guid]::NewGuid().ToString('N').Substring(0, 8))" -Instructions 'Call.' -Request 'Ask.' -Step calls |
            Add-ClawdTalkAgent -Instructions 'You call people.'
        $script:stateFile = $env:CLAWDTALK_STATE
    }
    It 'an outer -WhatIf holds back a text sent with -Force' {
        $before = Get-Writes
        Send-Reminder -To "+1 212 555 0160" -WhatIf | Should -BeNullOrEmpty
        Get-Writes | Should -Be $before
    }
    It '$WhatIfPreference holds back a scheduled call registered with -Force, and the state file is untouched' {
        $before = Get-Writes
        $state = Get-FileHash $stateFile
        $WhatIfPreference = $true
        try { $out = Register-ClawdTalkCall -Slug $mission.Slug -To '+1 212 555 0161' -StepId calls -Force } finally { $WhatIfPreference = $false }
        $out | Should -BeNullOrEmpty
        Get-Writes | Should -Be $before
        (Get-FileHash $stateFile).Hash | Should -Be $state.Hash
    }
    It 'an outer -WhatIf through a function holds back the same call' {
        $before = Get-Writes
        Invoke-Sweep -Mission $mission -WhatIf | Should -BeNullOrEmpty
        Get-Writes | Should -Be $before
    }
    It 'an outer -Confirm still asks though the cmdlet has -Force (non-interactive here: the prompt fails, nothing is sent)' {
        $before = Get-Writes
        # the prompt itself is the error (Run.ps1 runs in -NonInteractive pwsh): anything else failing would not prove it asked
        { Send-Reminder -To '+1 212 555 0162' -Confirm -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidOperation,ClawdTalk.Commands.Sms.SendClawdTalkSmsCommand' -ExpectedMessage '*NonInteractive*'

        Get-Writes | Should -Be $before
    }
    It 'with -Force alone it acts without asking' {
        $before = Get-Writes
        (Send-Reminder -To '+1 212 555 0163').Status | Should -Be 'sent'
        Get-Writes | Should -Be ($before + 1)
    }
}
