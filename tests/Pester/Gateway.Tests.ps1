# Gateway setup and pollers as a pwsh user meets them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
}

Describe 'Grant-ClawdTalkGatewayTool' {
    BeforeEach {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('ct-pester-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $file = Join-Path $dir 'openclaw.json'
        $before = "{`n  // the agent's own tools`n  `"tools`": { `"allow`": [`"read`"] },`n  `"gateway`": {`n    `"port`": 18789,`n  },`n}`n"
        Set-Content -Path $file -Value $before -NoNewline
    }
    AfterEach { Remove-Item -Recurse -Force $dir }

    It 'adds sessions_send to gateway.tools.allow only, keeping the rest of the file' {
        $grant = Grant-ClawdTalkGatewayTool -Path $file -Force
        $grant.Changed | Should -BeTrue
        Get-Content -Raw $grant.BackupPath | Should -BeExactly $before
        $after = Get-Content -Raw $file
        $after | Should -BeExactly ($before.Replace("    `"port`": 18789,`n", "    `"port`": 18789,`n    `"tools`": {`n      `"allow`": [`"sessions_send`"]`n    },`n"))
    }

    It 'changes nothing with -WhatIf' {
        Grant-ClawdTalkGatewayTool -Path $file -WhatIf
        Get-Content -Raw $file | Should -BeExactly $before
        @(Get-ChildItem $dir -Filter *.bak).Count | Should -Be 0
    }

    It 'reports malformed JSON and leaves the file as it was' {
        Set-Content -Path $file -Value '{ "gateway": ' -NoNewline
        { Grant-ClawdTalkGatewayTool -Path $file -Force -ErrorAction Stop } | Should -Throw -ErrorId 'GatewayConfigInvalid*'
        Get-Content -Raw $file | Should -BeExactly '{ "gateway": '
    }
}

Describe 'Pollers' {
    It 'Get-ClawdTalkPoller lists without failing' {
        { Get-ClawdTalkPoller } | Should -Not -Throw
    }
}
