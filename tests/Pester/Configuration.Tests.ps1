# Connection and configuration: Connect/Disconnect/Test, the config file, masking, and no secret anywhere.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'Connect-, Test- and Disconnect-ClawdTalk' {
    It 'connects with a SecureString key and reports the connection with the key masked' {
        $c = Connect-ClawdTalk -ApiKey $sb.SecureKey -Server $sb.Url -PassThru
        $c.ApiKey | Should -Not -Be $sb.ApiKey
        $c.ApiKey | Should -Match '…'
        $c.ApiBase.AbsoluteUri | Should -Match '^http://127\.0\.0\.1'
        $c | Assert-NoSecret -Secret $sb.ApiKey
    }
    It 'Test-ClawdTalkConnection succeeds against the sandbox' {
        $t = Test-ClawdTalkConnection
        $t.Success | Should -BeTrue
        Test-ClawdTalkConnection -Quiet | Should -BeTrue
    }
    It 'Test-ClawdTalkConnection shows the whole message within 120 columns' {
        $t = Test-ClawdTalkConnection
        $text = $t | Out-String -Width 120
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 120 }) | Should -BeNullOrEmpty
        ($text -replace '\s+', ' ') | Should -Match ([regex]::Escape(($t.Message -replace '\s+', ' ')))
    }
    It 'reports a wrong key as a failure, not as success, without the key' {
        Connect-ClawdTalk -ApiKey (ConvertTo-SecureString 'ctk_wrong_key_123456789' -AsPlainText -Force) -Server $sb.Url
        $t = Test-ClawdTalkConnection -ErrorVariable err
        $t.Success | Should -BeOfType [bool]
        $t.Success | Should -BeFalse
        $t.ErrorId | Should -Be 'ApiUnauthorized'
        $err | Should -BeNullOrEmpty -Because 'the failure is reported once, in the result'
        $t.RecommendedAction | Should -BeLike '*Connect-ClawdTalk -ApiKey*'
        $t | Assert-NoSecret -Secret 'ctk_wrong_key_123456789'
        { Get-ClawdTalkMission -ErrorAction Stop } | Should -Throw -ErrorId 'ApiUnauthorized*'
    }
    It 'refuses plain http to a non-loopback server without -AllowInsecure' {
        { Connect-ClawdTalk -ApiKey $sb.SecureKey -Server 'http://example.com' -ErrorAction Stop } | Should -Throw -ErrorId 'InsecureServer,*'
    }
    It 'Disconnect-ClawdTalk forgets the session key' {
        Connect-ClawdTalk -ApiKey $sb.SecureKey -Server $sb.Url
        Disconnect-ClawdTalk
        { Get-ClawdTalkMission -ErrorAction Stop } | Should -Throw -ErrorId 'NoApiKey,*'
    }
}

Describe 'The configuration file' {
    BeforeEach { Remove-Item $env:CLAWDTALK_CONFIG -ErrorAction SilentlyContinue }
    It 'Set-ClawdTalkConfiguration writes the key masked in output, mode 0600, readable by Get-' {
        $c = Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url -OwnerName 'Ada' -PassThru
        $c.ApiKey | Should -Not -Be $sb.ApiKey
        $c.OwnerName | Should -Be 'Ada'
        (Get-ClawdTalkConfiguration).Server | Should -Be $sb.Url
        if (-not $IsWindows) { ((Get-Item $env:CLAWDTALK_CONFIG).UnixMode) | Should -Be '-rw-------' }
        (Get-Content -Raw $env:CLAWDTALK_CONFIG) | Should -Match ([regex]::Escape($sb.ApiKey))
    }
    It 'a persisted key connects a new session with no Connect-ClawdTalk' {
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server ($sb.Url.TrimEnd('/') + '/v1')
        Disconnect-ClawdTalk
        (Test-ClawdTalkConnection).Success | Should -BeTrue
    }
    It 'keeps the key out of every stream, ConvertTo-Json and Export-Csv' {
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url
        $all = Get-ClawdTalkConfiguration -Verbose 4>&1 3>&1 2>&1 6>&1
        $all | Assert-NoSecret -Secret $sb.ApiKey
        Get-ClawdTalkConfiguration | ConvertTo-Json -Depth 5 | Assert-NoSecret -Secret $sb.ApiKey
        $csv = Join-Path $testHome 'config.csv'
        Get-ClawdTalkConfiguration | Export-Csv -Path $csv
        Get-Content -Raw $csv | Assert-NoSecret -Secret $sb.ApiKey
    }
    It 'Remove-ClawdTalkConfiguration removes one key and keeps the rest' {
        Set-ClawdTalkConfiguration -ApiKey $sb.SecureKey -Server $sb.Url -AgentName 'Bot'
        Remove-ClawdTalkConfiguration -Name agent_name -Force
        $c = Get-ClawdTalkConfiguration
        $c.AgentName | Should -BeNullOrEmpty
        $c.Server | Should -Be $sb.Url
    }
    It 'changes nothing with -WhatIf' {
        Set-ClawdTalkConfiguration -Server $sb.Url
        $before = Get-Content -Raw $env:CLAWDTALK_CONFIG
        Set-ClawdTalkConfiguration -OwnerName 'Changed' -WhatIf
        Get-Content -Raw $env:CLAWDTALK_CONFIG | Should -BeExactly $before
    }
}
