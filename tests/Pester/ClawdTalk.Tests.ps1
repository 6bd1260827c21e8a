#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pester 5 mirror of a few xunit tests (tests/ClawdTalk.Tests), for machines that have pwsh and Pester.
# Run after `dotnet build`:  Invoke-Pester ./tests/Pester
BeforeAll {
    $root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $version = ([xml](Get-Content (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.ModuleVersion | Where-Object { $_ } | Select-Object -First 1
    $manifest = Join-Path $root "out/ClawdTalk/$version/ClawdTalk.psd1"
    Import-Module $manifest -Force
}

Describe 'The module' {
    It 'imports with the version of Directory.Build.props' {
        (Get-Module ClawdTalk).Version.ToString() | Should -Be $version
    }
    It 'exports cmdlets' {
        (Get-Command -Module ClawdTalk).Count | Should -BeGreaterThan 5
    }
}

Describe 'Help' {
    It '<_> has a synopsis and at least two examples' -ForEach (Get-Command -Module ClawdTalk).Name {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'A round trip against the sandbox' {
    BeforeAll {
        $key = 'pester_' + [guid]::NewGuid().ToString('N')
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        'run', '--project', (Join-Path $root 'src/ClawdTalk.Sandbox'), '--', '--port', '0', '--api-key', $key | ForEach-Object { $psi.ArgumentList.Add($_) }
        $psi.RedirectStandardOutput = $true
        $sandbox = [System.Diagnostics.Process]::Start($psi)
        $line = $sandbox.StandardOutput.ReadLine()
        $url = [regex]::Match($line, 'http://127\.0\.0\.1:\d+').Value
        Connect-ClawdTalk -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force) -Server $url
    }
    AfterAll { if ($sandbox -and -not $sandbox.HasExited) { $sandbox.Kill($true) } }

    It 'connects' {
        $result = Test-ClawdTalkConnection
        $result.Status | Should -Be 'Ok'
    }
}
