<#
.SYNOPSIS
    Runs the acceptance suite (every *.Tests.ps1 here) in this pwsh with Pester 5, and fails when a test or a block
    fails, when a test is skipped, inconclusive or not run, or when a file yields fewer tests than it has It blocks.

.DESCRIPTION
    `dotnet test` runs this through tests/ClawdTalk.Acceptance, which restores pwsh (.config/dotnet-tools.json) and
    Pester (NuGet) and passes their paths. By hand, after `dotnet build`:

        dotnet tool restore
        dotnet tool run pwsh -NoProfile -File tests/Pester/Run.ps1

    -Path runs some files only.
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

if ($env:NUGET_PACKAGES -and -not $PSBoundParameters.ContainsKey('PesterManifest')) {
    $PesterManifest = Join-Path $env:NUGET_PACKAGES 'pester/5.7.1/tools/Pester.psd1'
}
Import-Module $PesterManifest -Force
if ($SandboxPath) { $env:CLAWDTALK_TEST_SANDBOX = $SandboxPath }
if ($HostPath) { $env:CLAWDTALK_TEST_HOST = $HostPath }
if ($Configuration) { $env:CLAWDTALK_TEST_CONFIGURATION = $Configuration }
$null = New-Item -ItemType Directory -Force -Path $ResultPath
# a summary is this run's or none: a stale one must never be read as this run's counts
Remove-Item (Join-Path $ResultPath 'summary.txt') -ErrorAction SilentlyContinue

$files = if ($Path) { @($Path | ForEach-Object { (Resolve-Path $_).Path }) } else { @(Get-ChildItem $PSScriptRoot -Filter *.Tests.ps1 | ForEach-Object FullName) }
# What each file must yield at least: one test per `It` written in it (a data-driven It yields one per case, so a
# -ForEach over nothing, a file that stopped being discovered or an It lost in a refactor all show up as missing tests).
$expected = @{}
foreach ($f in $files) {
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($f, [ref] $null, [ref] $null)
    $expected[$f] = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq 'It' }, $true)).Count
}

$config = New-PesterConfiguration
$config.Run.Path = $files
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultPath 'pester-results.xml'
$result = Invoke-Pester -Configuration $config

$line = "pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped, $($result.InconclusiveCount) inconclusive"
Set-Content -Path (Join-Path $ResultPath 'summary.txt') -Value $line
Write-Host $line
# what went wrong, in full: each failed test and each block whose setup failed, with its error
foreach ($t in $result.Failed) { Write-Host "FAILED TEST $($t.ExpandedPath): $($t.ErrorRecord | Select-Object -First 1)" }
foreach ($b in @($result.FailedBlocks) + @($result.FailedContainers)) { if ($b) { Write-Host "FAILED SETUP $(if ($b.PSObject.Properties['ExpandedPath']) { $b.ExpandedPath } else { $b.Item }): $($b.ErrorRecord | Select-Object -First 1)" } }
$problems = @()
if ($result.FailedCount -gt 0) { $problems += "$($result.FailedCount) failed: " + (($result.Failed | Select-Object -First 30 | ForEach-Object ExpandedPath) -join '; ') }
if ($result.FailedContainersCount -gt 0) { $problems += "$($result.FailedContainersCount) files failed outside a test: " + (($result.FailedContainers | ForEach-Object { $_.Item }) -join '; ') }
if ($result.FailedBlocksCount -gt 0) { $problems += "$($result.FailedBlocksCount) blocks failed in setup or teardown: " + (($result.FailedBlocks | ForEach-Object ExpandedPath) -join '; ') }
if ($result.SkippedCount -gt 0) { $problems += "$($result.SkippedCount) skipped" }
if ($result.InconclusiveCount -gt 0) { $problems += "$($result.InconclusiveCount) inconclusive" }
if ($result.NotRunCount -gt 0 -and -not $config.Filter.Tag.Value) { $problems += "$($result.NotRunCount) not run" }
$found = @{}
foreach ($t in $result.Tests) { $found[$t.ScriptBlock.File] = 1 + [int]$found[$t.ScriptBlock.File] }
foreach ($f in $files) {
    if ([int]$found[$f] -lt $expected[$f]) { $problems += "$(Split-Path -Leaf $f) yielded $([int]$found[$f]) tests for its $($expected[$f]) It blocks" }
}
if ($problems) { Write-Host ('FAILED: ' + ($problems -join ' | ')); exit 1 }
exit 0
