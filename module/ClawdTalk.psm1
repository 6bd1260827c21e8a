# Root module of ClawdTalk. On PowerShell 7 the cmdlet assembly and its dependencies load into a load context of
# their own (ClawdTalk.Loader.dll), so they never clash with another module's Polly.Core or Newtonsoft.Json.
# Windows PowerShell 5.1 has no load contexts and imports the assembly directly. CLAWDTALK_NO_ISOLATION=1 turns the
# isolation off (the test suite uses it to share types with the assembly it references).
$cmdlets = [System.IO.Path]::Combine($PSScriptRoot, 'ClawdTalk.Cmdlets.dll')
if ($PSEdition -eq 'Core' -and $env:CLAWDTALK_NO_ISOLATION -ne '1') {
    $loader = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'ClawdTalk.Loader.dll'))
    $assembly = $loader.GetType('ClawdTalk.Loader.ModuleLoadContext').GetMethod('LoadModule').Invoke($null, @($PSScriptRoot))
    $inner = Import-Module -Assembly $assembly -PassThru
    # A second import in one process (Import-Module -Force, or Remove-Module then Import-Module) finds the assembly
    # already imported and adds no cmdlet to this module (PowerShell/PowerShell#20710): add them back, as that issue shows.
    $module = $ExecutionContext.SessionState.Module
    if ($module.ExportedCmdlets.Count -eq 0) {
        $add = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
        foreach ($command in $inner.ExportedCmdlets.Values) { $null = $add.Invoke($module, @(, $command)) }
    }
} else {
    Import-Module $cmdlets
}
