<#
.SYNOPSIS
    Runs the acceptance suite (every *.Tests.ps1 here) in this pwsh with Pester 5, and fails when a test fails or is
    skipped, or when discovery finds fewer tests than the suite holds.

.DESCRIPTION
    `dotnet test` runs this through tests/ClawdTalk.Acceptance, which restores pwsh (.config/dotnet-tools.json) and
    Pester (NuGet) and passes their paths. By hand, after `dotnet build`:

        dotnet tool restore
        dotnet tool run pwsh -NoProfile -File tests/Pester/Run.ps1

    -Path runs some files only (the minimum count then does not apply).
#>
param(
    [string] $PesterManifest = (Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/pester/5.7.1/tools/Pester.psd1'),
    [string] $SandboxPath,
    [string] $HostPath,
    # the build configuration whose outputs (sandbox, host, packable module) the suite uses
    [string] $Configuration,
    [string[]] $Path,
    [string] $ResultPath = (Join-Path $PSScriptRoot '../../artifacts/pester')
)
$ErrorActionPreference = 'Stop'
# The suite holds at least this many tests: discovery finding fewer means a file stopped being discovered.
$MinimumTests = 80

if ($env:NUGET_PACKAGES -and -not $PSBoundParameters.ContainsKey('PesterManifest')) {
    $PesterManifest = Join-Path $env:NUGET_PACKAGES 'pester/5.7.1/tools/Pester.psd1'
}
Import-Module $PesterManifest -Force
if ($SandboxPath) { $env:CLAWDTALK_TEST_SANDBOX = $SandboxPath }
if ($HostPath) { $env:CLAWDTALK_TEST_HOST = $HostPath }
if ($Configuration) { $env:CLAWDTALK_TEST_CONFIGURATION = $Configuration }
$null = New-Item -ItemType Directory -Force -Path $ResultPath

$config = New-PesterConfiguration
$config.Run.Path = if ($Path) { $Path } else { $PSScriptRoot }
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultPath 'pester-results.xml'
$result = Invoke-Pester -Configuration $config

$line = "pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
Set-Content -Path (Join-Path $ResultPath 'summary.txt') -Value $line
Write-Host $line
# what went wrong, in full: each failed test and each block whose setup failed, with its error
foreach ($t in $result.Failed) { Write-Host "FAILED TEST $($t.ExpandedPath): $($t.ErrorRecord | Select-Object -First 1)" }
foreach ($b in @($result.FailedBlocks) + @($result.FailedContainers)) { if ($b) { Write-Host "FAILED SETUP $(if ($b.PSObject.Properties['ExpandedPath']) { $b.ExpandedPath } else { $b.Item }): $($b.ErrorRecord | Select-Object -First 1)" } }
$problems = @()
if ($result.FailedCount -gt 0) { $problems += "$($result.FailedCount) failed: " + (($result.Failed | Select-Object -First 30 | ForEach-Object ExpandedPath) -join '; ') }
if ($result.FailedContainersCount -gt 0) { $problems += "$($result.FailedContainersCount) files failed outside a test: " + (($result.FailedContainers | ForEach-Object { $_.Item }) -join '; ') }
if ($result.SkippedCount -gt 0) { $problems += "$($result.SkippedCount) skipped" }
if ($result.NotRunCount -gt 0 -and -not $config.Filter.Tag.Value) { $problems += "$($result.NotRunCount) not run" }
if (-not $Path -and $result.TotalCount -lt $MinimumTests) { $problems += "discovery found $($result.TotalCount) tests, the suite holds at least $MinimumTests" }
if ($problems) { Write-Host ('FAILED: ' + ($problems -join ' | ')); exit 1 }
exit 0
