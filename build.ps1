<#
.SYNOPSIS
    Builds, tests, documents and packages ClawdTalk for PowerShell.
.DESCRIPTION
    A thin wrapper over the dotnet commands, for pwsh users. It uses only the engine's core cmdlets, so it also runs
    under the clawdtalk host: clawdtalk -File build.ps1 Test
.EXAMPLE
    ./build.ps1            # Build: out/ClawdTalk/<version>/ is an importable module
.EXAMPLE
    ./build.ps1 Test       # the whole test suite (the README's test command)
.EXAMPLE
    ./build.ps1 Package    # artifacts/: the skill (ClawdTalk-<version>.zip: SKILL.md beside the module folder), the gallery package (.nupkg), the clawdtalk host published ReadyToRun
.EXAMPLE
    ./build.ps1 Install    # the fast clawdtalk for agents: ReadyToRun host + native launcher in ~/.local/lib/clawdtalk, linked from ~/.local/bin
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Install')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Install: where lib/clawdtalk and bin/clawdtalk go
    [string] $Prefix = [System.IO.Path]::Combine([Environment]::GetFolderPath('UserProfile'), '.local')
)
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot

function Invoke-Dotnet {
    # a simple function: every argument (-c, -o, -p:…) reaches dotnet as it is
    $Arguments = [string[]]$args
    [Console]::Error.WriteLine("> dotnet " + ($Arguments -join ' '))
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE" }
}

function J { [System.IO.Path]::Combine([string[]]$args) }   # Join-Path is not a core cmdlet
$props = [System.IO.File]::ReadAllText((J $root 'Directory.Build.props'))
$version = [regex]::Match($props, '<ModuleVersion>([^<]+)</ModuleVersion>').Groups[1].Value
$moduleDir = J $root "out/ClawdTalk/$version"

switch ($Task) {
    'Build' {
        Invoke-Dotnet build (J $root 'ClawdTalk.PowerShell.sln') -c $Configuration
        "Module: $moduleDir"
    }
    'Test' {
        Invoke-Dotnet test (J $root 'ClawdTalk.PowerShell.sln') -c $Configuration
    }
    'Docs' {
        # MAML help is generated from docs/en-US by the module build (build/HelpGen.cs).
        Invoke-Dotnet build (J $root 'src/ClawdTalk.Cmdlets') -c $Configuration
        J $moduleDir 'en-US'
    }
    'Package' {
        $artifacts = J $root 'artifacts'
        # one pack makes both: the gallery package (what Publish-PSResource would publish), artifacts/ClawdTalk.<version>.nupkg,
        # and the skill an agent is handed, artifacts/ClawdTalk-<version>.zip: SKILL.md and README.md beside ClawdTalk/<version>/
        # (the SkillPackage target of build/Module.targets)
        Invoke-Dotnet pack (J $root 'src/ClawdTalk.Cmdlets') -c $Configuration -o $artifacts
        $zip = J $artifacts "ClawdTalk-$version.zip"
        J $artifacts "ClawdTalk.$version.nupkg"
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        # ReadyToRun host and module; on Linux/macOS also the native launcher (NativeAOT: needs clang or gcc), which makes
        # `clawdtalk -Command` use a running `clawdtalk --serve` in a few milliseconds.
        $launcher = if ($IsWindows) { 'false' } else { 'true' }
        Invoke-Dotnet publish (J $root 'src/ClawdTalk.Host') -c Release -r $rid --self-contained false -p:PublishReadyToRun=true "-p:ClawdTalkLauncher=$launcher" -o (J $artifacts "clawdtalk-$rid")
        $zip
        J $artifacts "clawdtalk-$rid"
    }
    'Install' {
        # What an agent should run: the ReadyToRun host (and module) behind the native launcher, which starts the
        # resident server on the first command and reaches it in milliseconds afterwards.
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        $launcher = if ($IsWindows) { 'false' } else { 'true' }
        $lib = J $Prefix 'lib' 'clawdtalk'
        Invoke-Dotnet publish (J $root 'src/ClawdTalk.Host') -c Release -r $rid --self-contained false -p:PublishReadyToRun=true "-p:ClawdTalkLauncher=$launcher" -o $lib
        $exe = J $lib ($(if ($IsWindows) { 'clawdtalk.exe' } else { 'clawdtalk' }))
        if (-not $IsWindows) {
            $bin = J $Prefix 'bin'
            $null = [System.IO.Directory]::CreateDirectory($bin)
            $link = J $bin 'clawdtalk'
            if ([System.IO.File]::Exists($link) -or [System.IO.Directory]::Exists($link)) { [System.IO.File]::Delete($link) }
            $null = [System.IO.File]::CreateSymbolicLink($link, $exe)
            # a server of the previous install exits by itself (its host changed); this one starts on the first command
            $link
        } else { $exe }
    }
}
