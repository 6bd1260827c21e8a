@{
    RootModule           = 'ClawdTalk.psm1'
    # Filled in by the build from Directory.Build.props (ModuleVersion).
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '6f0c8f3e-4d1b-4b8e-9a51-6c7d2e3a9b10'
    Author               = 'ClawdTalk for PowerShell contributors'
    CompanyName          = 'ClawdTalk for PowerShell'
    Copyright            = '(c) ClawdTalk for PowerShell contributors. MIT License.'
    Description          = 'AI phone and SMS outreach from PowerShell: ClawdTalk missions, assistants, scheduled and direct calls, SMS, owner approvals and the voice bridge to an OpenClaw agent gateway.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('ClawdTalk.format.ps1xml')
    FunctionsToExport    = @()
    # Filled in by the build from the [Cmdlet] attributes of src/ClawdTalk.Cmdlets (build/ModuleLayout.cs).
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('ClawdTalk', 'Telnyx', 'OpenClaw', 'Voice', 'SMS', 'AI', 'Agents', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/license/mit'
            ProjectUri   = 'https://clawdtalk.com'
            ReleaseNotes = 'Runs in pwsh 7.6 and Windows PowerShell 5.1. As an OpenClaw skill: extract ClawdTalk-<version>.zip and follow its SKILL.md (Import-Module ./ClawdTalk; Install-ClawdTalkSkill, which also upgrades and takes over the published client). From a gallery: Install-PSResource/Update-PSResource. Full history: the project README.'
        }
    }
}
