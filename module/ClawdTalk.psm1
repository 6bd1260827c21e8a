# Root module of ClawdTalk. On PowerShell 7 the cmdlet assembly and its dependencies load into a load context of
# their own (ClawdTalk.Loader.dll), so they never clash with another module's Polly.Core or Newtonsoft.Json.
# Windows PowerShell 5.1 has no load contexts and imports the assembly directly. CLAWDTALK_NO_ISOLATION=1 turns the
# isolation off (the test suite uses it to share types with the assembly it references).
# Kept to three statements on purpose: a cold pwsh compiles every operator, member access and type name a script uses
# (a string comparison starts the culture-aware comparer, a type name not yet loaded is searched for in every loaded
# assembly), so the isolation switch and the re-export after a second import (PowerShell/PowerShell#20710) live in
# the loader, in C#.
if (-not $IsCoreCLR) { Import-Module "$PSScriptRoot/ClawdTalk.Cmdlets.dll"; return }
$loader = [System.Reflection.Assembly]::LoadFrom("$PSScriptRoot/ClawdTalk.Loader.dll").GetType('ClawdTalk.Loader.ModuleLoadContext')
$loader::Reexport((Import-Module -Assembly $loader::LoadModule($PSScriptRoot) -PassThru), $ExecutionContext)
