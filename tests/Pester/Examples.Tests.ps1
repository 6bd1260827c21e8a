# The examples as users run them: every script in examples/ through the clawdtalk host on its embedded sandbox (the
# README's quick-start way), and the README's headline pipeline, verbatim, in this pwsh against a sandbox.
BeforeDiscovery {
    $script:scripts = Get-ChildItem (Join-Path $PSScriptRoot '../../examples') -Filter *.ps1 | Sort-Object Name | ForEach-Object {
        # the sweep calls 100 shops by default: ten are enough here
        @{ Name = $_.Name; Path = $_.FullName; Arguments = @(if ($_.Name -eq 'parallel-sweep.ps1') { '-Count', '10' }) }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
}

Describe 'examples/<Name> through clawdtalk --sandbox' -ForEach $scripts {
    It 'runs to the end with exit code 0 and no error' {
        $r = Invoke-TestHost -Arguments (@('--sandbox', '-File', $Path) + $Arguments) -WorkingDirectory $testHome
        $errors = ($r.Error -split "`r?`n") | Where-Object { $_ -and $_ -notmatch '^clawdtalk: (sandbox at|live dashboard at) ' }
        $r.ExitCode | Should -Be 0 -Because ($r.Error + $r.Output)
        $errors | Should -BeNullOrEmpty
        $r.Output | Should -Not -BeNullOrEmpty
    }
}

Describe 'The quick-start mission' {
    It 'reports what the service said for each of the four plumbers and completes the mission' {
        $r = Invoke-TestHost -Arguments '--sandbox', '-File', (Join-Path (Get-TestRoot) 'examples/mission.ps1') -WorkingDirectory $testHome
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output | Should -Match 'Called 4 plumbers: 2 gave a quote; 2 answered, 1 busy, 1 voicemail\.'
        $r.Output | Should -Match "Mission 'plumber-quotes-[^']+' is Succeeded\."
        ([regex]::Matches($r.Output, 'Mission succeeded')).Count | Should -Be 1
    }
}

Describe 'The README''s headline pipeline, verbatim' {
    BeforeAll {
        $script:sb = Start-TestSandbox -TimeScale 60 -Connect
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 1 }
        $readme = Get-Content -Raw (Join-Path (Get-TestRoot) 'README.md')
        $script:headline = [regex]::Match($readme, '(?s)```powershell\r?\n(.*?)```').Groups[1].Value
    }
    AfterAll { $sb | Stop-TestSandbox }

    It 'calls the numbers, saves every insight and completes the mission once' {
        $headline | Should -Match 'Complete-ClawdTalkMission'
        $numbers = '+1 212 555 0142', '+1 212 555 0157', '+1 212 555 0163'
        $ConfirmPreference = 'None'   # unattended, as a scheduled script runs it (the calls are billable: High impact)
        $mission = Invoke-Expression $headline
        $mission.Status | Should -Be 'Succeeded'
        $state = Get-ClawdTalkMissionState -Slug find-a-plumber
        @($state.Memory.insights).Count | Should -Be 3
        $plan = Get-ClawdTalkPlan -Slug find-a-plumber
        ($plan.Steps | Where-Object StepId -eq 'calls').Status | Should -Be 'Completed'
        $log = Get-TestSandboxLog -Sandbox $sb
        @($log | Where-Object { $_.method -eq 'POST' -and $_.path -match '^/v1/assistants/[^/]+/events$' -and $_.applied }).Count | Should -Be 3
    }
}
