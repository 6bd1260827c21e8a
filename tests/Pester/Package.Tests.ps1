# Installing ClawdTalk the way a pwsh user installs a gallery module: the package `dotnet pack` makes (what
# Publish-PSResource would publish) in a local PSResource repository, Install-PSResource, Import-Module by name in a
# fresh pwsh, then Update-PSResource to a newer package; and the skill package the same pack makes, as an agent
# installs it. Every pwsh here runs with a home of its own, so the user's
# repositories and modules are never touched.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:root = Get-TestRoot
    $script:version = Get-TestModuleVersion
    $script:repo = Join-Path $testHome 'repo'
    $script:userHome = Join-Path $testHome 'home'
    $null = New-Item -ItemType Directory -Path $repo, $userHome

    # a pwsh of its own: same engine as this one, another home (PSResourceGet's repositories and CurrentUser modules live there)
    function Invoke-Pwsh([string] $Command, [hashtable] $Environment = @{}) {
        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        $psi = if (Test-Path $pwshDll) { [System.Diagnostics.ProcessStartInfo]::new('dotnet') } else { [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh')) }
        if (Test-Path $pwshDll) { $psi.ArgumentList.Add($pwshDll) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $psi.Environment['HOME'] = $userHome
        foreach ($v in 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CACHE_HOME') { $null = $psi.Environment.Remove($v) }
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] }
        $p = [System.Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(180000)) { $p.Kill($true); throw "pwsh did not end: $Command" }
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result }
    }

    # The README's packaging command (the build already ran, so --no-build packs the module folder it laid out).
    $pack = & dotnet pack (Join-Path $root 'src/ClawdTalk.Cmdlets') --no-build -c ($env:CLAWDTALK_TEST_CONFIGURATION ?? 'Debug') -o $repo 2>&1
    if ($LASTEXITCODE -ne 0) { throw "dotnet pack failed: $pack" }
    $script:sandbox = Start-TestSandbox
}
AfterAll { $sandbox | Stop-TestSandbox }

Describe 'The gallery package' {
    It 'is named and versioned like the module, with the manifest''s metadata and the module files at its root' {
        $nupkg = Join-Path $repo "ClawdTalk.$version.nupkg"
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $names = $zip.Entries.FullName
            $names | Should -Contain 'ClawdTalk.psd1'
            $names | Should -Contain 'ClawdTalk.Cmdlets.dll'
            $names | Should -Contain 'en-US/ClawdTalk.Cmdlets.dll-Help.xml'
            $reader = [System.IO.StreamReader]::new($zip.GetEntry('ClawdTalk.nuspec').Open())
            [xml] $nuspec = $reader.ReadToEnd(); $reader.Dispose()
        } finally { $zip.Dispose() }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'ClawdTalk'
        $meta.version | Should -Be $version
        $meta.projectUrl | Should -Match '^https://'
        $meta.description | Should -Not -BeNullOrEmpty
        $meta.tags -split ' ' | Should -Contain 'PSModule'
        $meta.tags -split ' ' | Should -Contain 'PSCmdlet_Register-ClawdTalkCall'
    }

    It 'installs with Install-PSResource and imports by name in a fresh pwsh, which connects to the sandbox' {
        $install = Invoke-Pwsh "`$ErrorActionPreference = 'Stop'
            Register-PSResourceRepository -Name ClawdTalkLocal -Uri '$repo' -Trusted
            Install-PSResource -Name ClawdTalk -Repository ClawdTalkLocal -Scope CurrentUser
            (Get-InstalledPSResource -Name ClawdTalk).Version.ToString()"
        $install.ExitCode | Should -Be 0 -Because $install.Error
        $install.Output.Trim() | Should -Be $version

        $use = Invoke-Pwsh "`$ErrorActionPreference = 'Stop'
            Import-Module ClawdTalk
            (Get-Module ClawdTalk).ModuleBase
            @(Get-Command -Module ClawdTalk).Count
            (Test-ClawdTalkConnection).Status" -Environment @{ CLAWDTALK_API_KEY = $sandbox.ApiKey; CLAWDTALK_API_URL = "$($sandbox.Url)/v1"; XDG_CONFIG_HOME = (Join-Path $testHome 'xdg') }
        $use.ExitCode | Should -Be 0 -Because $use.Error
        $lines = $use.Output -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -BeLike "$userHome*ClawdTalk*$version*"
        [int] $lines[1] | Should -BeGreaterThan 50
        $lines[2] | Should -Be 'Ok'
        $use.Output + $use.Error | Should -Not -Match ([regex]::Escape($sandbox.ApiKey))
    }

    It 'updates to a newer package with Update-PSResource' {
        # a newer release of the same module folder, packed as the gallery packs it
        $next = [version] $version; $next = "{0}.{1}.{2}" -f $next.Major, $next.Minor, ($next.Build + 1)
        $copy = Join-Path $testHome 'next/ClawdTalk'
        $null = New-Item -ItemType Directory -Path $copy -Force
        Copy-Item -Path (Join-Path (Split-Path (Get-TestModuleManifest)) '*') -Destination $copy -Recurse
        $psd1 = Join-Path $copy 'ClawdTalk.psd1'
        (Get-Content -Raw $psd1) -replace "ModuleVersion\s*=\s*'[^']+'", "ModuleVersion = '$next'" | Set-Content -Path $psd1 -NoNewline
        $update = Invoke-Pwsh "`$ErrorActionPreference = 'Stop'
            Compress-PSResource -Path '$copy' -DestinationPath '$repo'
            Update-PSResource -Name ClawdTalk -Repository ClawdTalkLocal -Scope CurrentUser
            Import-Module ClawdTalk
            (Get-Module ClawdTalk).Version.ToString()
            (Get-InstalledPSResource -Name ClawdTalk | Sort-Object Version | ForEach-Object { `$_.Version.ToString() }) -join ','"
        $update.ExitCode | Should -Be 0 -Because $update.Error
        $lines = $update.Output -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Be $next
        $lines[1] | Should -Be "$version,$next"
    }
}

# The skill an agent is handed: the same pack writes artifacts/ClawdTalk-<version>.zip (build.ps1 Package runs it).
Describe 'The skill package' {
    BeforeAll {
        $script:zipPath = Join-Path $repo "ClawdTalk-$version.zip"
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $script:extracted = Join-Path $testHome 'extracted'
        [System.IO.Compression.ZipFile]::ExtractToDirectory($zipPath, $extracted)
        # the frontmatter: the top-level `key: value` lines between the first two `---`
        $script:skillText = Get-Content -Raw (Join-Path $extracted 'SKILL.md')
        $script:front = @{}
        foreach ($l in ([regex]::Match($skillText, '\A---\r?\n(.*?)\r?\n---', 'Singleline').Groups[1].Value -split "`r?`n")) {
            if ($l -match '^([A-Za-z]+):\s*(.*)$') { $front[$Matches[1]] = $Matches[2] }
        }
    }

    It 'holds SKILL.md and README.md at its root beside the module folder ClawdTalk/<version>/, and nothing else' {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($zipPath)
        try { $names = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        @($names | ForEach-Object { ($_ -split '/')[0] } | Sort-Object -Unique) | Should -Be @('ClawdTalk', 'README.md', 'SKILL.md')
        @($names | Where-Object { $_ -like 'ClawdTalk/*' -and $_ -notlike "ClawdTalk/$version/*" }) | Should -BeNullOrEmpty
        $names | Should -Contain "ClawdTalk/$version/ClawdTalk.psd1"
        $names | Should -Contain "ClawdTalk/$version/en-US/ClawdTalk.Cmdlets.dll-Help.xml"
        Get-Content -Raw (Join-Path $extracted 'README.md') | Should -Match "ClawdTalk/$([regex]::Escape($version))/"
    }

    It 'has the frontmatter of an OpenClaw skill: name, version, a description, and metadata that gates only on pwsh' {
        $front.name | Should -Be 'clawdtalk'
        $front.version | Should -Be $version
        $front.description.Length | Should -BeGreaterThan 80
        $meta = $front.metadata | ConvertFrom-Json
        $meta.openclaw.emoji | Should -Not -BeNullOrEmpty
        $meta.openclaw.primaryEnv | Should -Be 'CLAWDTALK_API_KEY'
        $meta.openclaw.requires.bins | Should -Be @('pwsh')
        # OpenClaw hides a skill whose requires.env is unset or whose requires.config (openclaw.json keys) is falsy: the key
        # may live in the configuration file, so neither gates this one
        $meta.openclaw.requires.PSObject.Properties.Name | Should -Not -Contain 'env'
        $meta.openclaw.requires.PSObject.Properties.Name | Should -Not -Contain 'config'
        foreach ($section in '## External Endpoints', '## Security & Privacy', '## Install', '## Connect', '## Upgrade', '## Errors') {
            $skillText | Should -Match ([regex]::Escape($section))
        }
    }

    It 'installs from the extracted zip in a fresh pwsh, as SKILL.md says, into the user''s module folder and the OpenClaw workspace' {
        $agentHome = Join-Path $testHome 'agent'
        $workspace = Join-Path $agentHome 'ws'
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $agentHome '.openclaw'), $workspace
        "{ agents: { defaults: { workspace: '$workspace' } } }" | Set-Content (Join-Path $agentHome '.openclaw/openclaw.json')
        $agentEnv = @{ HOME = $agentHome; XDG_CONFIG_HOME = (Join-Path $agentHome '.config') }
        $install = Invoke-Pwsh "`$ErrorActionPreference = 'Stop'; Set-Location '$extracted'; Import-Module ./ClawdTalk; Install-ClawdTalkSkill | ForEach-Object { '{0}|{1}|{2}' -f `$_.Item, `$_.Name, `$_.Action }" -Environment $agentEnv
        $install.ExitCode | Should -Be 0 -Because $install.Error
        $install.Output | Should -Match "Module\|ClawdTalk $([regex]::Escape($version))\|Installed"
        $install.Output | Should -Match 'Skill\|SKILL.md\|Installed'
        Join-Path $workspace 'skills/clawdtalk/SKILL.md' | Should -Exist
        # the next process finds the commands by name
        $use = Invoke-Pwsh "(Get-Command Install-ClawdTalkSkill).Module.ModuleBase" -Environment $agentEnv
        $use.Output.Trim() | Should -Be (Join-Path $agentHome ".local/share/powershell/Modules/ClawdTalk/$version")
    }
}
