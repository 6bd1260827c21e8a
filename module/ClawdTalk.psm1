# Root module of ClawdTalk. On PowerShell 7 the cmdlet assembly and its dependencies load into a load context of
# their own (ClawdTalk.Loader.dll), so they never clash with another module's Polly.Core or Newtonsoft.Json.
# Windows PowerShell 5.1 has no load contexts and imports the assembly directly. CLAWDTALK_NO_ISOLATION=1 turns the
# isolation off (the test suite uses it to share types with the assembly it references).
$cmdlets = [System.IO.Path]::Combine($PSScriptRoot, 'ClawdTalk.Cmdlets.dll')
if ($PSEdition -eq 'Core' -and $env:CLAWDTALK_NO_ISOLATION -ne '1') {
    $loader = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'ClawdTalk.Loader.dll'))
    $assembly = $loader.GetType('ClawdTalk.Loader.ModuleLoadContext').GetMethod('LoadModule').Invoke($null, @($PSScriptRoot))
    Import-Module -Assembly $assembly
} else {
    Import-Module $cmdlets
}
