# Seeing a mission: Test-ClawdTalkMission finds what the dashboard would show wrong and -Fix repairs it;
# Export-ClawdTalkMissionReport writes a self-contained HTML report of what the service and the store hold.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 1 }
    $script:m = Initialize-ClawdTalkMission -Name 'Check me' -Instructions 'Ask for a quote.' -Request 'Two quotes' -Step calls, report |
        Add-ClawdTalkAgent -Instructions 'Ask for a quote, then hang up.'
    $script:calls = '+1 212 555 0142', '+1 212 555 0003' | Register-ClawdTalkCall -Slug $m.Slug -StepId calls -Force | Wait-ClawdTalkEvent
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'Test-ClawdTalkMission' {
    It 'finds nothing wrong with a mission the cmdlets kept' {
        @(Test-ClawdTalkMission -Slug $m.Slug) | Should -BeNullOrEmpty
    }
    It 'finds an agent unlinked on purpose, names its repair, and -Fix links it again' {
        Remove-ClawdTalkLinkedAgent -Slug $m.Slug -AssistantId $m.AssistantId -Force
        $finding = @(Test-ClawdTalkMission -Slug $m.Slug | Where-Object FindingId -eq 'AgentNotLinked')
        $finding.Count | Should -Be 1
        $finding[0].Severity | Should -Not -BeNullOrEmpty
        $finding[0].Repair | Should -Match 'ClawdTalk'
        $finding[0].Evidence | Should -Match ([regex]::Escape($m.AssistantId))

        Test-ClawdTalkMission -Slug $m.Slug -Fix -WhatIf | Out-Null
        @(Get-ClawdTalkLinkedAgent -Slug $m.Slug).Count | Should -Be 0

        $fixed = @(Test-ClawdTalkMission -Slug $m.Slug -Fix -Confirm:$false | Where-Object FindingId -eq 'AgentNotLinked')
        $fixed[0].Fixed | Should -BeTrue
        @(Get-ClawdTalkLinkedAgent -Slug $m.Slug).AssistantId | Should -Contain $m.AssistantId
        @(Test-ClawdTalkMission -Slug $m.Slug) | Should -BeNullOrEmpty
    }
    It 'takes missions from the pipeline and its findings work with the built-in cmdlets' {
        Remove-ClawdTalkLinkedAgent -Slug $m.Slug -AssistantId $m.AssistantId -Force
        try {
            $rows = @(Get-ClawdTalkMissionState | Test-ClawdTalkMission -ErrorAction Stop | Select-Object Slug, FindingId, Severity)
            $rows.FindingId | Should -Contain 'AgentNotLinked'
            $back = @($rows | ConvertTo-Json | ConvertFrom-Json)
            $back.Count | Should -Be $rows.Count
            $back.FindingId | Should -Be $rows.FindingId
        }
        finally { $null = Test-ClawdTalkMission -Slug $m.Slug -Fix -Confirm:$false }
    }
}

Describe 'Export-ClawdTalkMissionReport' {
    It 'writes one self-contained page with the targets, their outcomes and a chart' {
        $null = $m | Complete-ClawdTalkMission -Summary 'One quote, one voicemail'
        $path = Join-Path $testHome 'report.html'
        Export-ClawdTalkMissionReport -Slug $m.Slug -Path $path | Out-Null
        $path | Should -Exist
        $html = Get-Content -Raw $path
        $html | Should -Match '<svg'
        $html | Should -Match '\+12125550142'
        $html | Should -Match 'voicemail'
        $html | Should -Match 'One quote, one voicemail'
        $html | Should -Not -Match '<script'
        $html | Should -Not -Match 'https?://(?!www\.w3\.org)'
        $html | Should -Not -Match ([regex]::Escape($sb.ApiKey))
    }
}
