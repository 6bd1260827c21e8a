# The module as a pwsh user meets it: import (again, in one session), help for every cmdlet, completions.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $null = Initialize-TestSession
    $script:cmdlets = @(Get-Command -Module ClawdTalk | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:version = Get-TestModuleVersion
    $script:manifest = Get-TestModuleManifest
}

Describe 'Importing the module' {
    It 'has the version of Directory.Build.props' {
        (Get-Module ClawdTalk).Version.ToString() | Should -Be $version
    }
    It 'exports the cmdlets the manifest lists' {
        $listed = (Import-PowerShellDataFile $manifest).CmdletsToExport
        @(Get-Command -Module ClawdTalk -CommandType Cmdlet).Count | Should -Be $listed.Count
        $listed.Count | Should -BeGreaterThan 50
    }
    It 'keeps every command after Import-Module -Force' {
        $before = @(Get-Command -Module ClawdTalk).Count
        Import-Module $manifest -Force
        @(Get-Command -Module ClawdTalk).Count | Should -Be $before
        Get-ClawdTalkConfiguration -ErrorAction Stop | Should -BeOfType ([ClawdTalk.Configuration])
    }
    It 'keeps every command after Remove-Module then Import-Module' {
        $before = @(Get-Command -Module ClawdTalk).Count
        Remove-Module ClawdTalk
        Get-Command Get-ClawdTalkMission -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Import-Module $manifest
        @(Get-Command -Module ClawdTalk).Count | Should -Be $before
        (Get-Command Get-ClawdTalkMission).Module.Name | Should -Be 'ClawdTalk'
    }
    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        Get-Command -Module ClawdTalk | Where-Object { $_.Verb -notin $approved } | Should -BeNullOrEmpty
    }
    It 'has the gallery metadata Publish-PSResource needs' {
        $data = Import-PowerShellDataFile $manifest
        $data.Description | Should -Not -BeNullOrEmpty
        $data.Author | Should -Not -BeNullOrEmpty
        $data.CompatiblePSEditions | Should -Contain 'Core'
        $data.PowerShellVersion | Should -Not -BeNullOrEmpty
        foreach ($key in 'ProjectUri', 'LicenseUri') { $data.PrivateData.PSData[$key] | Should -Match '^https://' }
        $data.PrivateData.PSData.Tags | Should -Contain 'ClawdTalk'
        $data.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }
    It 'gives every cmdlet an online help link' {
        foreach ($name in (Get-Command -Module ClawdTalk).Name) {
            @((Get-Help $name).relatedLinks.navigationLink)[0].uri | Should -Match '^https://' -Because $name
        }
    }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll { $script:help = Get-Help $Name -Full }
    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }
    It 'has at least two examples' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
    It 'documents every parameter' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $documented = @($help.parameters.parameter | ForEach-Object name)
        $missing = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common -and $_ -notin $documented }
        $missing | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion' {
    It 'completes the cmdlet names' {
        $r = TabExpansion2 -inputScript 'Get-ClawdTalkMiss' -cursorColumn 17
        $r.CompletionMatches.CompletionText | Should -Contain 'Get-ClawdTalkMission'
    }
    It 'completes configuration keys' {
        $r = TabExpansion2 -inputScript 'Set-ClawdTalkConfiguration -Name ' -cursorColumn 33
        $r.CompletionMatches.Count | Should -BeGreaterThan 3
    }
}
