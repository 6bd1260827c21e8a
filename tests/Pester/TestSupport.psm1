# Shared by every *.Tests.ps1 of the acceptance suite: where the built module, sandbox and host are, a private home
# for the module's files, a sandbox process per test file, and the host run as a user runs it.
Set-StrictMode -Version Latest

$script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-TestRoot { $script:Root }

function Get-TestModuleVersion {
    ([xml](Get-Content -Raw (Join-Path $script:Root 'Directory.Build.props'))).Project.PropertyGroup.ModuleVersion |
        Where-Object { $_ } | Select-Object -First 1
}

function Get-TestModuleManifest { Join-Path $script:Root "out/ClawdTalk/$(Get-TestModuleVersion)/ClawdTalk.psd1" }

function Find-Built([string] $Project, [string] $File) {
    if ($env:CLAWDTALK_TEST_CONFIGURATION) { return Join-Path $script:Root "src/$Project/bin/$env:CLAWDTALK_TEST_CONFIGURATION/net10.0/$File" }
    Get-ChildItem (Join-Path $script:Root "src/$Project/bin") -Recurse -Filter $File -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1 -ExpandProperty FullName
}

function Get-TestSandboxPath { if ($env:CLAWDTALK_TEST_SANDBOX) { $env:CLAWDTALK_TEST_SANDBOX } else { Find-Built 'ClawdTalk.Sandbox' 'ClawdTalk.Sandbox.dll' } }
function Get-TestHostPath { if ($env:CLAWDTALK_TEST_HOST) { $env:CLAWDTALK_TEST_HOST } else { Find-Built 'ClawdTalk.Host' 'clawdtalk.dll' } }

<#
.SYNOPSIS
    Gives this test file a private home for the module's files (config, mission store, locks, logs) and imports the
    built module. Call it in the file's BeforeAll.
#>
function Initialize-TestSession {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('clawdtalk-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $dir
    $env:CLAWDTALK_CONFIG = Join-Path $dir 'skill-config.json'
    $env:CLAWDTALK_STATE = Join-Path $dir 'missions_state.json'
    $env:XDG_CONFIG_HOME = Join-Path $dir 'xdg'
    foreach ($v in 'CLAWDTALK_API_KEY', 'CLAWDTALK_API_URL', 'OPENCLAW_GATEWAY_URL', 'OPENCLAW_GATEWAY_TOKEN', 'CLAWDBOT_GATEWAY_URL', 'CLAWDBOT_GATEWAY_TOKEN', 'CLAWDTALK_NO_ISOLATION') {
        Remove-Item "env:$v" -ErrorAction SilentlyContinue
    }
    Import-Module (Get-TestModuleManifest) -Force -Global
    # the connection belongs to the session, not the module: a file before this one may have left it on its sandbox
    Disconnect-ClawdTalk -ErrorAction SilentlyContinue
    $dir
}

<#
.SYNOPSIS
    Starts the built sandbox on free loopback ports with a fresh key and returns what a test needs of it. -Connect
    connects the session (Connect-ClawdTalk with the key as a SecureString, the URL as -Server).
#>
function Start-TestSandbox {
    param([double] $TimeScale = 1, [string[]] $Arguments = @(), [switch] $Connect)
    $key = 'ctk_pester_' + [guid]::NewGuid().ToString('N')
    $token = 'gwt_pester_' + [guid]::NewGuid().ToString('N')
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @((Get-TestSandboxPath), '--port', '0', '--gateway-port', '0', '--api-key', $key, '--gateway-token', $token,
                     '--time-scale', $TimeScale.ToString([cultureinfo]::InvariantCulture)) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $url = $null; $gateway = $null
    while (-not $url -or -not $gateway) {
        $line = $process.StandardOutput.ReadLine()
        if ($null -eq $line) { throw "the sandbox did not start: $($process.StandardError.ReadToEnd())" }
        if ($line -match '^ClawdTalk sandbox listening on (http://\S+)') { $url = $Matches[1] }
        elseif ($line -match '^Simulated gateway listening on (http://\S+)') { $gateway = $Matches[1] }
        if ($url -and $Arguments -contains '--no-gateway') { break }
    }
    $sandbox = [pscustomobject]@{
        Url = $url; ApiKey = $key; GatewayUrl = $gateway; GatewayToken = $token; Process = $process
        SecureKey = (ConvertTo-SecureString $key -AsPlainText -Force)
    }
    if ($Connect) { Connect-ClawdTalk -ApiKey $sandbox.SecureKey -Server $url | Out-Null }
    $sandbox
}

function Stop-TestSandbox([Parameter(ValueFromPipeline)] $Sandbox) {
    process { if ($Sandbox -and $Sandbox.Process -and -not $Sandbox.Process.HasExited) { $Sandbox.Process.Kill($true); $Sandbox.Process.WaitForExit(5000) | Out-Null } }
}

<# .SYNOPSIS Calls one of the sandbox's endpoints (control endpoints under /_sandbox/, or /v1 with the key). #>
function Invoke-TestSandbox {
    param([Parameter(Mandatory)] $Sandbox, [string] $Method = 'GET', [Parameter(Mandatory)] [string] $Path, $Body)
    $headers = @{ Authorization = "Bearer $($Sandbox.ApiKey)" }
    $uri = $Sandbox.Url.TrimEnd('/') + $Path
    if ($PSBoundParameters.ContainsKey('Body')) {
        Invoke-RestMethod -Method $Method -Uri $uri -Headers $headers -ContentType 'application/json' -Body ($Body | ConvertTo-Json -Depth 10 -Compress)
    } else {
        Invoke-RestMethod -Method $Method -Uri $uri -Headers $headers
    }
}

<# .SYNOPSIS The requests the sandbox received, as objects (method, path, status, body…). #>
function Get-TestSandboxLog([Parameter(Mandatory)] $Sandbox) {
    $log = Invoke-TestSandbox -Sandbox $Sandbox -Path '/_sandbox/log'
    if ($log.PSObject.Properties['requests']) { $log.requests } else { $log }
}

<#
.SYNOPSIS
    Runs the clawdtalk host (the built clawdtalk.dll) as a user runs it; returns its exit code, standard output and
    standard error. -Environment adds variables for that process only.
#>
function Invoke-TestHost {
    param([Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments, [hashtable] $Environment = @{}, [string] $WorkingDirectory = (Get-Location).Path)
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $psi.ArgumentList.Add((Get-TestHostPath))
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.Environment['CLAWDTALK_RESIDENT'] = 'off'
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    $stdout = $p.StandardOutput.ReadToEndAsync()
    $stderr = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw "clawdtalk $Arguments did not end in 5 minutes" }
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout.Result; Error = $stderr.Result }
}

<#
.SYNOPSIS
    A folder of stand-ins to put first on PATH: `crontab` (keeps its table in a file of the folder and answers -l, - and
    -r as crontab does, so no test touches the user's real crontab) and `pwsh` (the pwsh running this suite, as an agent
    finds pwsh on its PATH). Returns the folder.
#>
function New-TestBin {
    param([Parameter(Mandatory)] [string] $Directory)
    $bin = Join-Path $Directory 'bin'
    $null = New-Item -ItemType Directory -Force -Path $bin
    $table = Join-Path $Directory 'crontab.txt'
    Set-Content -Path (Join-Path $bin 'crontab') -NoNewline -Value @"
#!/bin/sh
case "`$1" in
  -l) if [ -f '$table' ]; then cat '$table'; else echo 'no crontab for user' >&2; exit 1; fi ;;
  -r) rm -f '$table' ;;
  -) cat > '$table' ;;
  *) echo "crontab stand-in: unsupported `$*" >&2; exit 2 ;;
esac
"@
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $pwsh = if (Test-Path $pwshDll) { "exec dotnet '$pwshDll' `"`$@`"" } else { "exec '$(Join-Path $PSHOME 'pwsh')' `"`$@`"" }
    Set-Content -Path (Join-Path $bin 'pwsh') -NoNewline -Value "#!/bin/sh`n$pwsh`n"
    foreach ($f in 'crontab', 'pwsh') { [System.IO.File]::SetUnixFileMode((Join-Path $bin $f), [System.IO.UnixFileMode] 'UserRead, UserWrite, UserExecute') }
    $bin
}

<#
.SYNOPSIS
    An OpenClaw home for a test: <Home>/.openclaw/openclaw.json naming the sandbox's simulated gateway (port and token,
    sessions_send allowed) and a main agent whose workspace is <Home>/.openclaw/workspace. Returns the workspace.
#>
function New-TestOpenClawHome {
    param([Parameter(Mandatory)] [string] $HomeDirectory, $Sandbox, [switch] $NoToken)
    $workspace = Join-Path $HomeDirectory '.openclaw/workspace'
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $workspace 'skills')
    $gateway = [ordered]@{ port = if ($Sandbox) { ([uri] $Sandbox.GatewayUrl).Port } else { 9 }; tools = @{ allow = @('sessions_send') } }
    if (-not $NoToken -and $Sandbox) { $gateway.auth = @{ token = $Sandbox.GatewayToken } }
    @{ gateway = $gateway; agents = @{ list = @(@{ id = 'main'; default = $true; workspace = $workspace }) } } |
        ConvertTo-Json -Depth 6 | Set-Content -Path (Join-Path $HomeDirectory '.openclaw/openclaw.json')
    $workspace
}

<#
.SYNOPSIS
    The published client 2.0.6 as `clawhub install` leaves it in a workspace, written by hand in its files' shapes (no
    code of it): SKILL.md's frontmatter, package.json, .clawhub/origin.json, skill-config.json as its setup.sh writes it
    (plus -Config's keys) and .missions_state.json (-State: slug => entry). Returns the folder.
#>
function New-TestPublishedClient {
    param([Parameter(Mandatory)] [string] $Workspace, [hashtable] $Config = @{}, [hashtable] $State)
    $dir = Join-Path $Workspace 'skills/clawdtalk-client'
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $dir '.clawhub'), (Join-Path $dir 'scripts')
    Set-Content -Path (Join-Path $dir 'SKILL.md') -Value @'
---
name: clawdtalk-client
version: 2.0.0
description: ClawdTalk — Voice calls, SMS, and AI Missions for Clawdbot
metadata: {"clawdbot":{"emoji":"📞","primaryEnv":"CLAWDTALK_API_KEY","requires":{"env":["CLAWDTALK_API_KEY"],"bins":["bash","node","jq","python3"]}}}
---

# ClawdTalk (test stand-in)
'@
    Set-Content -Path (Join-Path $dir 'package.json') -Value '{ "name": "clawdtalk-client", "version": "2.0.6" }'
    Set-Content -Path (Join-Path $dir '.clawhub/origin.json') -Value '{ "registry": "https://clawhub.ai", "slug": "clawdtalk-client", "installedVersion": "2.0.6" }'
    # as its setup.sh writes it when no key was entered, then the test's values
    $written = [ordered]@{ api_key = 'YOUR_API_KEY_HERE'; server = 'https://clawdtalk.com'; owner_name = $null; agent_name = $null; greeting = "Hey, what's up?"
                           gateway_url = $null; gateway_token = $null; agent_id = 'main' }
    foreach ($k in @($Config.Keys)) { $written[$k] = $Config[$k] }
    $written | ConvertTo-Json -Depth 5 | Set-Content -Path (Join-Path $dir 'skill-config.json')
    if ($State) { $State | ConvertTo-Json -Depth 8 | Set-Content -Path (Join-Path $dir '.missions_state.json') }
    $dir
}

<#
.SYNOPSIS
    Every file under a folder with a hash of its content: two snapshots compare equal when nothing was written.
#>
function Get-TestFileSnapshot {
    param([Parameter(Mandatory)] [string[]] $Path)
    $d = [ordered]@{}
    foreach ($p in $Path) {
        if (-not (Test-Path $p)) { continue }
        foreach ($f in Get-ChildItem -LiteralPath $p -Recurse -File -Force | Where-Object { -not ($_.Name -like '*.lock' -and $_.Length -eq 0) } | Sort-Object FullName) {
            $d[$f.FullName] = (Get-FileHash -LiteralPath $f.FullName -Algorithm SHA256).Hash
        }
    }
    ($d.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join "`n"
}

<#
.SYNOPSIS
    Fails when a secret appears in any of the given texts or objects (serialised as JSON).
#>
function Assert-NoSecret {
    param([Parameter(Mandatory)] [string[]] $Secret, [Parameter(ValueFromPipeline)] $InputObject)
    begin { $texts = [System.Collections.Generic.List[string]]::new() }
    process { if ($null -ne $InputObject) { $texts.Add($(if ($InputObject -is [string]) { $InputObject } else { $InputObject | ConvertTo-Json -Depth 6 -Compress -WarningAction SilentlyContinue })) } }
    end {
        foreach ($s in $Secret) { foreach ($t in $texts) { if ($t -and $t.Contains($s)) { throw "a secret appeared in: $($t.Substring(0, [Math]::Min(200, $t.Length)))" } } }
    }
}

<#
.SYNOPSIS
    Puts a stand-in for the crontab program first on PATH for this test file (the xunit suite's poller tests use the
    user's real crontab at the same time, and restore it afterwards). It keeps the table in a file of the test's home and
    answers -l, - and -r as crontab does; the module finds it as it finds the real one. Returns the PATH to restore.
#>
function Use-TestCrontab([Parameter(Mandatory)] [string] $TestHome) {
    $bin = New-TestBin -Directory $TestHome
    $saved = $env:PATH
    $env:PATH = $bin + [System.IO.Path]::PathSeparator + $env:PATH
    $saved
}

Export-ModuleMember -Function *-*
