@{
    RootModule        = 'FloorModule.dll'
    ModuleVersion     = '1.0.0'
    GUID              = '3f0d6c1e-6f43-4b52-9a57-2f1c5a0e7b11'
    Description       = 'The import-share bench floor: one cmdlet, one view.'
    FormatsToProcess  = @('FloorModule.format.ps1xml')
    CmdletsToExport   = @('Get-FloorThing')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
