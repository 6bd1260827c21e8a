# Texts: Send-ClawdTalkSms, Get-ClawdTalkMessage, Get-ClawdTalkConversation.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'Send-ClawdTalkSms' {
    It 'sends a text that Get-ClawdTalkMessage lists' {
        $m = Send-ClawdTalkSms -To '+1 212 555 0142' -Message 'Hello from Pester' -Force
        $m.Status | Should -Be 'sent'
        $m.To | Should -Be '+12125550142'
        (Get-ClawdTalkMessage -Contact '+12125550142').Body | Should -Contain 'Hello from Pester'
    }
    It 'sends to several numbers, one message each' {
        $out = @(Send-ClawdTalkSms -To '+1 212 555 0143', '+1 212 555 0144' -Message 'Both' -Force)
        $out.Count | Should -Be 2
        $out.To | Should -Be @('+12125550143', '+12125550144')
    }
    It 'reports a failed text (magic 0004) as an error with a stable ErrorId' {
        try { Send-ClawdTalkSms -To '+1 212 555 0004' -Message 'x' -Force -ErrorAction Stop; throw 'no error' }
        catch { $_.FullyQualifiedErrorId | Should -Match '^MessageFailed,' }
    }
    It 'sends nothing with -WhatIf' {
        Send-ClawdTalkSms -To '+1 212 555 0145' -Message 'never' -WhatIf
        (Get-ClawdTalkMessage -Contact '+12125550145') | Should -BeNullOrEmpty
    }
    It 'takes rows of a CSV file' {
        $csv = Join-Path $testHome 'sms.csv'
        "To,Message`n+1 212 555 0151,Row one`n+1 212 555 0152,Row two" | Set-Content $csv
        $out = @(Import-Csv $csv | Send-ClawdTalkSms -Force)
        $out.Body | Should -Be @('Row one', 'Row two')
    }
}

Describe 'Get-ClawdTalkMessage and Get-ClawdTalkConversation' {
    It 'filters by direction and pages with -First' {
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/sms/inbound' -Body @{ from = '+12125550160'; body = 'Inbound hi' }
        (Get-ClawdTalkMessage -Direction Inbound).Body | Should -Contain 'Inbound hi'
        @(Get-ClawdTalkMessage -First 1).Count | Should -Be 1
    }
    It 'lists conversations per contact' {
        $c = Get-ClawdTalkConversation
        $c.Contact | Should -Contain '+12125550142'
        (Get-ClawdTalkConversation -Contact '+12125550142').MessageCount | Should -BeGreaterOrEqual 1
    }
}

Describe 'Text from strangers and to people is data' {
    It 'shows the control characters of an inbound text instead of obeying them' {
        $esc = [char]27
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/sms/inbound' -Body @{ from = '+12125550170'; body = "hi$esc]0;PWNED$([char]7)$esc[2Jbye" }
        $shown = Get-ClawdTalkMessage -Contact '+12125550170' | Format-Table | Out-String -Width 200
        $shown | Should -Not -Match ([regex]::Escape([string]$esc))
        $shown | Should -Match ([regex]::Escape("hi$([char]0x241B)]0;PWNED$([char]0x2407)"))
        (Get-ClawdTalkConversation -Contact '+12125550170' | Out-String) | Should -Not -Match ([regex]::Escape([string]$esc))
    }
    It 'refuses to send a text holding a control character, and sends nothing' {
        $before = @(Get-ClawdTalkMessage -Contact '+12125550171').Count
        { Send-ClawdTalkSms -To '+1 212 555 0171' -Message "clear$([char]27)[2J" -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'ControlCharacterInText,ClawdTalk.Commands.Sms.SendClawdTalkSmsCommand'
        @(Get-ClawdTalkMessage -Contact '+12125550171').Count | Should -Be $before
    }
}
