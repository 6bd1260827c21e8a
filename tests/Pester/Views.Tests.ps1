# Every view of the module's format file, rendered at 80 and 120 columns from objects the sandbox made (a rehearsal at
# 60x: a mission with its calls, a bridge, a poller, texts, approvals…): each table shows every one of its columns whole
# on one header line (none dropped for want of room, no label broken over lines), and what identifies each row and its
# state are in the text. The views are enumerated from the format file, so a view added later fails here until it has a
# recipe in $Recipes.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $formatFile = Join-Path (Split-Path (Get-TestModuleManifest)) 'ClawdTalk.format.ps1xml'
    $script:cases = foreach ($v in ([xml](Get-Content -Raw $formatFile)).Configuration.ViewDefinitions.View) {
        $table = $v['TableControl']
        $custom = $v['CustomControl']
        $labels = if ($custom) { @() } elseif ($table) {
            $headers = @($table.TableHeaders.TableColumnHeader)
            $items = @($table.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
            for ($i = 0; $i -lt $items.Count; $i++) { if ($headers[$i]['Label']) { $headers[$i].Label } else { $items[$i].PropertyName } }
        } else {
            foreach ($li in $v.ListControl.ListEntries.ListEntry.ListItems.ListItem) { if ($li['Label']) { $li.Label } else { $li.PropertyName } }
        }
        foreach ($width in 80, 120) {
            @{ View = $v.Name; Type = $v.ViewSelectedBy.TypeName; Kind = $(if ($table) { 'Table' } elseif ($custom) { 'Custom' } else { 'List' }); Labels = @($labels)
               GroupBy = $(if ($v['GroupBy']) { $v.GroupBy.Label } else { $null }); Width = $width }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:savedPath = Use-TestCrontab -TestHome $testHome
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 5 }
    $gwt = ConvertTo-SecureString $sb.GatewayToken -AsPlainText -Force
    $dir = Join-Path $testHome 'views'
    $null = New-Item -ItemType Directory -Path $dir

    # type name => what makes objects of it (against the sandbox), and the properties that identify a row or give its
    # state: their values must be in the rendered text, whole
    $script:Recipes = [ordered]@{
        'ClawdTalk.ConnectionInfo'       = @{ Keys = 'KeySource'; Make = { Connect-ClawdTalk -ApiKey $sb.SecureKey -Server $sb.Url -PassThru } }
        'ClawdTalk.ConnectionTestResult' = @{ Keys = 'Status', 'Server'; Make = { Test-ClawdTalkConnection } }
        'ClawdTalk.Configuration'        = @{ Keys = 'Path'; Make = { Get-ClawdTalkConfiguration } }
        'ClawdTalk.Mission'              = @{ Keys = 'MissionId', 'Name'; Make = { Get-ClawdTalkMission -MissionId $m.MissionId } }
        'ClawdTalk.MissionRun'           = @{ Keys = 'RunId', 'Status'; Make = { Get-ClawdTalkRun -Slug $m.Slug } }
        'ClawdTalk.MissionPlan'          = @{ Keys = 'RunId', 'Progress'; Make = { Get-ClawdTalkPlan -Slug $m.Slug } }
        'ClawdTalk.PlanStep'             = @{ Keys = 'StepId', 'Status'; Make = { (Get-ClawdTalkPlan -Slug $m.Slug).Steps } }
        'ClawdTalk.MissionEvent'         = @{ Keys = 'Type', 'StepId'; Make = { Get-ClawdTalkEvent -Slug $m.Slug } }
        'ClawdTalk.LinkedAgent'          = @{ Keys = 'AssistantId'; Make = { Get-ClawdTalkLinkedAgent -Slug $m.Slug } }
        'ClawdTalk.MissionMemoryEntry'   = @{ Keys = 'Slug', 'Key'; Make = { Get-ClawdTalkMemory -Slug $m.Slug } }
        'ClawdTalk.MissionState'         = @{ Keys = 'Slug', 'Status', 'RunStatus', 'RunId'; Make = { Get-ClawdTalkMissionState -Slug $m.Slug } }
        'ClawdTalk.ScheduledEvent'       = @{ Keys = 'EventId', 'To', 'Name', 'Status', 'State', 'Attempt'; Make = { $events } }
        'ClawdTalk.ConversationInsight'  = @{ Keys = 'ConversationId', 'Status', 'Score'; Make = { $events | Where-Object ConversationId | Get-ClawdTalkInsight } }
        'ClawdTalk.MissionReportFile'    = @{ Keys = 'RunId', 'Status', 'Targets', 'Reached'; Make = { Export-ClawdTalkMissionReport -Slug $m.Slug -Path (Join-Path $dir 'r.html') } }
        'ClawdTalk.Assistant'            = @{ Keys = 'AssistantId', 'Name'; Make = { Get-ClawdTalkAssistant | Where-Object AssistantId -eq $m.AssistantId } }
        'ClawdTalk.AccountPhoneNumber'   = @{ Keys = 'PhoneNumberId', 'PhoneNumber'; Make = { Get-ClawdTalkPhoneNumber } }
        'ClawdTalk.DirectCall'           = @{ Keys = 'CallId', 'Status', 'Outcome'; Make = { Start-ClawdTalkCall -Force; Start-ClawdTalkCall -To '+1 212 555 0002' -Force -Wait } }
        'ClawdTalk.SmsMessage'           = @{ Keys = 'Contact', 'Status'; Make = { $null = Send-ClawdTalkSms -To '+1 303 555 0101' -Message 'Your table is ready.' -Force; Get-ClawdTalkMessage } }
        'ClawdTalk.SmsConversation'      = @{ Keys = 'Contact', 'MessageCount'; Make = { Get-ClawdTalkConversation } }
        'ClawdTalk.ApprovalResult'       = @{ Keys = 'RequestId', 'Decision'; Make = { Request-ClawdTalkApproval 'Deploy the site' -NoWait } }
        'ClawdTalk.ApprovalRequest'      = @{ Keys = 'RequestId', 'Status'; Make = { Get-ClawdTalkApproval } }
        'ClawdTalk.PollerInfo'           = @{ Keys = 'Slug', 'Mission', 'Every'; Make = { $null = $m | Register-ClawdTalkPoller; Get-ClawdTalkPoller -Slug $m.Slug } }
        'ClawdTalk.PollResult'           = @{ Keys = 'Slug', 'Status', 'Open'; Make = { Invoke-ClawdTalkPoll -Slug $m.Slug } }
        'ClawdTalk.BridgeStatus'         = @{ Keys = 'Id', 'Name', 'State'; Make = { Get-ClawdTalkBridge -Name ClawdTalkBridge } }
        'ClawdTalk.BridgeLogRecord'      = @{ Keys = 'Level', 'Event'; Make = { Receive-Job -Job $job -Keep | Select-Object -First 5 } }
        'ClawdTalk.BridgeServiceInfo'    = @{ Keys = 'Name', 'Platform', 'Registered'; Make = { Install-ClawdTalkBridgeService -Name views -Platform TaskScheduler -UnitDirectory (Join-Path $dir 'units') -NoStart } }
        'ClawdTalk.GatewayInfo'          = @{ Keys = 'SessionKey', 'Ready'; Make = { Get-ClawdTalkGateway -Path $gatewayFile -Offline } }
        'ClawdTalk.GatewayToolGrant'     = @{ Keys = 'Tool', 'Changed'; Make = { Grant-ClawdTalkGatewayTool -Path $gatewayFile -Force } }
        'ClawdTalk.StatusReport'         = @{ Keys = 'Server'; Make = { Get-ClawdTalkStatus } }
        'ClawdTalk.MissionProgress'      = @{ Keys = 'Slug', 'Status', 'Reached', 'NotReached', 'Pending'; Make = { Get-ClawdTalkMissionProgress -Slug $m.Slug } }
        'ClawdTalk.SkillChange'          = @{ Keys = 'Item', 'Name', 'Action'
                                              Make = { $h = $env:HOME; $env:HOME = Join-Path $dir 'home'
                                                       try { Install-ClawdTalkSkill -Path (Split-Path (Split-Path (Split-Path (Get-TestModuleManifest)))) -Workspace (Join-Path $dir 'workspace') }
                                                       finally { $env:HOME = $h } } }
        'ClawdTalk.MissionFinding'       = @{ Keys = 'Slug', 'FindingId', 'Severity', 'Fixed'
                                              Make = { Remove-ClawdTalkLinkedAgent -Slug $m.Slug -AssistantId $m.AssistantId -Force; Test-ClawdTalkMission -Slug $m.Slug } }
    }

    # a rehearsal: a mission, its agent and memory, three calls (answered, voicemail, busy) waited on, a bridge, a gateway file
    $script:m = Initialize-ClawdTalkMission -Name 'Views demo' -Instructions 'Ask for a quote.' -Request 'Three quotes' -Step calls, report |
        Add-ClawdTalkAgent -Instructions 'Ask for a quote, then hang up.'
    Set-ClawdTalkMemory -Slug $m.Slug -Key quotes -Value @{ best = 90; from = 'Ada Plumbing' }
    $script:events = @(
        [pscustomobject]@{ Name = 'Ada Plumbing'; Phone = '+1 212 555 0142' }
        [pscustomobject]@{ Name = 'Cole & Sons'; Phone = '+1 212 555 0003' }
        [pscustomobject]@{ Name = 'Drain Kings'; Phone = '+1 212 555 0002' }
    ) | Register-ClawdTalkCall -Slug $m.Slug -StepId calls -Force | Wait-ClawdTalkEvent
    $script:job = Start-ClawdTalkBridge -GatewayUrl $sb.GatewayUrl -GatewayToken $gwt
    $script:gatewayFile = Join-Path $dir 'openclaw.json'
    '{ "gateway": { "port": 18789, "auth": { "token": "gw-views" } }, "agents": { "list": [ { "id": "main", "default": true } ] } }' | Set-Content $gatewayFile

    $script:made = @{}
    foreach ($type in $Recipes.Keys) { $made[$type] = @(& $Recipes[$type].Make | Where-Object { $_.PSObject.TypeNames -contains $type }) }
}

AfterAll {
    Get-ClawdTalkPoller -Slug $m.Slug -ErrorAction SilentlyContinue | Unregister-ClawdTalkPoller -Force -ErrorAction SilentlyContinue
    Get-ClawdTalkBridge | Stop-ClawdTalkBridge
    Get-Job | Remove-Job -Force
    $env:PATH = $savedPath
    $sb | Stop-TestSandbox
}

Describe 'The <View> view at <Width> columns' -ForEach $cases {
    BeforeAll {
        $script:recipe = $Recipes[$Type]
        $script:objects = if ($recipe) { @($made[$Type]) } else { @() }
        $script:text = if ($objects.Count -eq 0) { '' }
            elseif ($Kind -eq 'Table') { $objects | Format-Table -View $View | Out-String -Width $Width }
            elseif ($Kind -eq 'Custom') { $objects | Format-Custom -View $View | Out-String -Width $Width }
            else { $objects | Format-List -View $View | Out-String -Width $Width }
        $script:lines = @($text -split "`r?`n")
    }

    It 'is shown with objects the sandbox made' {
        $recipe | Should -Not -BeNullOrEmpty -Because "the view $View needs a recipe (how to make a $Type) in `$Recipes of Views.Tests.ps1"
        $objects.Count | Should -BeGreaterThan 0 -Because "the recipe of $Type must make at least one"
    }

    It 'shows every column whole, on one header line, within the width' {
        $objects.Count | Should -BeGreaterThan 0
        @($lines | Where-Object { $_.Length -gt $Width }) | Should -BeNullOrEmpty
        if ($Kind -eq 'Custom') { return }   # a text form: its lines wrap (checked above); no columns
        if ($Kind -eq 'List') {
            foreach ($label in $Labels) { ($lines -match "^$([regex]::Escape($label))\s*:").Count | Should -BeGreaterThan 0 -Because "the list shows '$label'" }
            return
        }
        $rules = @(for ($i = 1; $i -lt $lines.Count; $i++) { if ($lines[$i] -match '^ *-+( +-+)* *$') { $i } })
        $rules.Count | Should -BeGreaterThan 0 -Because 'a table has a header'
        foreach ($r in $rules) {
            $header = $lines[$r - 1]
            $at = 0
            foreach ($label in $Labels) {
                $found = $header.IndexOf($label, $at, [StringComparison]::Ordinal)
                $found | Should -BeGreaterOrEqual 0 -Because "the header '$header' must show the column '$label' whole (not dropped, not broken)"
                $at = $found + $label.Length
            }
            # one line: above the header is the blank line a table starts with, or the group's label
            $above = if ($r -ge 2) { $lines[$r - 2].Trim() } else { '' }
            ($above -eq '' -or ($GroupBy -and $above.StartsWith("$($GroupBy):"))) | Should -BeTrue -Because "the header of $View must fit on one line (above it: '$above')"
        }
    }

    It 'shows what identifies each row and its state' {
        $objects.Count | Should -BeGreaterThan 0
        foreach ($o in $objects) {
            foreach ($key in $recipe.Keys) {
                $value = $o.$key
                if ($null -eq $value -or "$value" -eq '') { continue }
                $text | Should -BeLike "*$([WildcardPattern]::Escape("$value"))*" -Because "$key of each $Type must be shown whole at $Width columns"
            }
        }
    }
}
