# Every help example that can run against the sandbox runs, as written, in a fresh state store with what it refers to
# set up first (the mission 'Dentist outreach', $m, $numbers, a CSV file in the current folder…); the others are
# listed in $NotRunnable with the reason. A new example fails the coverage test until it is put in one of the tables.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $null = Initialize-TestSession
    $script:examples = foreach ($c in Get-Command -Module ClawdTalk | Sort-Object Name) {
        $i = 0
        foreach ($e in (Get-Help $c.Name -Full).examples.example) {
            $i++
            # the code ends at the first empty line: what follows is sample output
            $lines = (($e.code -join "`n") -split "`r?`n")
            $end = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l.Trim().Length -eq 0 })
            if ($end -ge 0) { $lines = $lines[0..([Math]::Max(0, $end - 1))] }
            @{ Id = "$($c.Name) #$i"; Code = ($lines -join "`n") }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 200 }
    $script:gwt = ConvertTo-SecureString $sb.GatewayToken -AsPlainText -Force

    # what the examples refer to
    $script:Dentist = { $script:m = Initialize-ClawdTalkMission -Name 'Dentist outreach' -Instructions 'Ask for a demo slot.' -Request 'Book demos' -Step research, call | Add-ClawdTalkAgent -Greeting ''
                        Set-ClawdTalkMemory -Slug dentist-outreach -Key script -Value @{ opening = 'Hi'; tries = 2 } }
    $script:AgentMission = { param($Name, [string[]] $Step = @('calls'))
                             Initialize-ClawdTalkMission -Name $Name -Instructions 'Ask.' -Request 'Find out.' -Step $Step | Add-ClawdTalkAgent -Instructions 'Ask politely.' }
    # the package the module was imported from (out/), extracted to ./package; the user's module folder inside the example's folder
    $script:Package = { $env:XDG_DATA_HOME = Join-Path $dir 'data'; Copy-Item -Recurse (Split-Path (Split-Path (Get-Module ClawdTalk).ModuleBase)) ./package }
    $script:savedDataHome = $env:XDG_DATA_HOME
    $script:Finished = { . $Dentist; $script:call = $script:event = Register-ClawdTalkCall -Slug dentist-outreach -StepId call -To '+1 212 555 0142' -At (Get-Date).AddMinutes(2) -Force | Wait-ClawdTalkEvent }

    # example id => setup (run in the example's scope first); '' for none
    $script:Runnable = @{
        'Add-ClawdTalkAgent #1' = ''
        'Add-ClawdTalkAgent #3' = { $null = Initialize-ClawdTalkMission -Name 'Dentist outreach' -Instructions 'Ask for a demo slot.' -Request 'Book demos' -Step call }
        'Add-ClawdTalkLinkedAgent #2' = $Dentist
        'Add-ClawdTalkMemory #1' = $Dentist
        'Add-ClawdTalkMemory #2' = { . $Dentist; $leads = @([pscustomobject]@{ Name = 'Ada'; Phone = '+15550100001' }, [pscustomobject]@{ Name = 'Alan'; Phone = '+15550100003' }) }
        'Complete-ClawdTalkMission #1' = $Dentist
        'Complete-ClawdTalkMission #2' = $Finished
        'Complete-ClawdTalkMission #3' = { $m = & $AgentMission 'Find a plumber'; $numbers = '+1 212 555 0142', '+1 212 555 0157' }
        'Disconnect-ClawdTalk #1' = ''
        'Get-ClawdTalkApproval #1' = { $null = Request-ClawdTalkApproval 'Pending one' -NoWait }
        'Get-ClawdTalkApproval #2' = ''
        'Get-ClawdTalkAssistant #1' = { $null = New-ClawdTalkAssistant -Name 'Survey caller' -Instructions 'Ask.' }
        'Get-ClawdTalkAssistant #2' = ''
        'Get-ClawdTalkAssistant #3' = { $null = & $AgentMission 'Find a plumber' }
        'Get-ClawdTalkBridge #1' = ''
        'Get-ClawdTalkBridge #2' = ''
        'Get-ClawdTalkCall #1' = ''
        'Get-ClawdTalkCall #2' = { $call = Start-ClawdTalkCall -Force }
        'Get-ClawdTalkConfiguration #1' = ''
        'Get-ClawdTalkConfiguration #2' = ''
        'Get-ClawdTalkConversation #1' = { $null = Send-ClawdTalkSms -To '+1 303 555 0101' -Message 'Hello' -Force }
        'Get-ClawdTalkConversation #2' = { $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/sms/inbound' -Body @{ from = '+13035550111'; body = 'Is my order ready?' } }
        'Get-ClawdTalkEvent #1' = $Dentist
        'Get-ClawdTalkEvent #2' = $Dentist
        'Get-ClawdTalkInsight #2' = $Finished
        'Get-ClawdTalkLinkedAgent #1' = $Dentist
        'Get-ClawdTalkMemory #1' = $Dentist
        'Get-ClawdTalkMemory #2' = $Dentist
        'Get-ClawdTalkMessage #1' = { $null = Send-ClawdTalkSms -To '+1 303 555 0101' -Message 'Hello' -Force }
        'Get-ClawdTalkMessage #2' = ''
        'Get-ClawdTalkMessage #3' = { $null = Send-ClawdTalkSms -To '+1 303 555 0102' -Message 'Hello' -Force }
        'Get-ClawdTalkMission #1' = { $null = & $AgentMission 'Lead outreach' }
        'Get-ClawdTalkMission #2' = $Dentist
        'Get-ClawdTalkMissionState #1' = $Dentist
        'Get-ClawdTalkMissionState #2' = $Dentist
        'Get-ClawdTalkMissionState #3' = { . $Dentist; Copy-Item $env:CLAWDTALK_STATE ./.missions_state.json }
        'Get-ClawdTalkPhoneNumber #1' = ''
        'Get-ClawdTalkPhoneNumber #2' = ''
        'Get-ClawdTalkPlan #1' = $Dentist
        'Get-ClawdTalkPlan #2' = $Dentist
        'Get-ClawdTalkPoller #1' = ''
        'Get-ClawdTalkPoller #2' = ''
        'Get-ClawdTalkRun #1' = $Dentist
        'Get-ClawdTalkScheduledEvent #1' = { $null = & $AgentMission 'Oat milk sweep' }
        'Get-ClawdTalkScheduledEvent #2' = { $null = & $AgentMission 'Wedding cake' }
        'Get-ClawdTalkScheduledEvent #3' = { $null = New-ClawdTalkAssistant -Name 'Survey caller' -Instructions 'Ask.' }
        'Get-ClawdTalkStatus #1' = ''
        'Get-ClawdTalkStatus #2' = ''
        'Grant-ClawdTalkGatewayTool #2' = { '{ "gateway": { "port": 18789 } }' | Set-Content ./openclaw.json }
        'Import-ClawdTalkMissionState #1' = { . $Dentist; Move-Item $env:CLAWDTALK_STATE ./.missions_state.json }
        'Import-ClawdTalkMissionState #2' = { $null = & $AgentMission 'Lead outreach'; Copy-Item $env:CLAWDTALK_STATE ./.missions_state.json }
        'Initialize-ClawdTalkMission #1' = ''
        'Initialize-ClawdTalkMission #2' = ''
        'Initialize-ClawdTalkMission #3' = ''
        'Invoke-ClawdTalkPoll #1' = { $null = & $AgentMission 'Find a plumber' }
        'New-ClawdTalkAssistant #1' = ''
        'New-ClawdTalkAssistant #2' = { $prompt = 'You answer questions about orders.' }
        'New-ClawdTalkAssistant #3' = { "Name,Instructions,Voice`nFront desk,Greet callers.,Rime.ArcanaV3.astra`nBookings,Take bookings.," | Set-Content ./assistants.csv }
        'New-ClawdTalkMission #1' = ''
        'New-ClawdTalkMission #2' = ''
        'New-ClawdTalkPlan #1' = $Dentist
        'Register-ClawdTalkCall #2' = { $null = & $AgentMission 'Oat milk sweep' }
        'Register-ClawdTalkCall #3' = { $null = & $AgentMission 'Recall 2026' }
        'Register-ClawdTalkCall #4' = ''
        'Register-ClawdTalkSms #1' = { $null = & $AgentMission 'Clinic reminders' }
        'Register-ClawdTalkSms #2' = { $null = & $AgentMission 'Demo bookings' round-1, round-2; $others = @([pscustomobject]@{ Name = 'Ada'; Phone = '+1 212 555 0171' }) }
        'Remove-ClawdTalkConfiguration #1' = ''
        'Remove-ClawdTalkConfiguration #2' = ''
        'Remove-ClawdTalkLinkedAgent #2' = $Dentist
        'Remove-ClawdTalkMissionState #1' = $Dentist
        'Remove-ClawdTalkMissionState #2' = { . $Dentist; $null = Complete-ClawdTalkMission -Slug dentist-outreach -Summary 'done' }
        'Request-ClawdTalkApproval #3' = ''
        'Send-ClawdTalkSms #1' = ''
        'Send-ClawdTalkSms #2' = { "+1 303 555 0121`n+1 303 555 0122" | Set-Content ./guests.txt }
        'Send-ClawdTalkSms #3' = { "To,Message`n+1 303 555 0131,Your table is ready.`n+1 303 555 0132,See you at 8." | Set-Content ./reminders.csv }
        'Send-ClawdTalkSms #4' = ''
        'Set-ClawdTalkAssistant #1' = { $mission = & $AgentMission 'Wedding cake'; $base = 'Ask for a quote for a wedding cake.'; $best = 400; $next = [pscustomobject]@{ Phone = '+1 212 555 0183' } }
        'Set-ClawdTalkAssistant #2' = { $null = New-ClawdTalkAssistant -Name 'Survey caller' -Instructions 'Ask.' }
        'Set-ClawdTalkConfiguration #1' = ''
        'Set-ClawdTalkConfiguration #3' = ''
        'Get-ClawdTalkBridge #4' = ''
        'Set-ClawdTalkMemory #1' = $Dentist
        'Set-ClawdTalkMemory #2' = $Dentist
        'Set-ClawdTalkPhoneNumber #1' = ''
        'Set-ClawdTalkRun #1' = $Dentist
        'Set-ClawdTalkStep #1' = $Dentist
        'Set-ClawdTalkStep #2' = $Dentist
        'Set-ClawdTalkStep #3' = $Dentist
        'Start-ClawdTalkCall #1' = ''
        'Start-ClawdTalkCall #2' = ''
        'Start-ClawdTalkCall #3' = ''
        'Start-ClawdTalkCall #4' = ''
        'Stop-ClawdTalkBridge #1' = ''
        'Stop-ClawdTalkBridge #2' = { $null = Start-ClawdTalkBridge -Name support -GatewayUrl $sb.GatewayUrl -GatewayToken $gwt }
        'Stop-ClawdTalkCall #1' = ''
        'Stop-ClawdTalkMission #1' = $Dentist
        'Stop-ClawdTalkMission #2' = $Dentist
        'Test-ClawdTalkConnection #1' = ''
        'Test-ClawdTalkConnection #2' = ''
        'Unregister-ClawdTalkPoller #2' = ''
        'Unregister-ClawdTalkScheduledEvent #1' = { $null = & $AgentMission 'Wedding cake'; $null = Register-ClawdTalkCall -Slug wedding-cake -To '+1 212 555 0184' -At (Get-Date).AddHours(3) -Force }
        'Unregister-ClawdTalkScheduledEvent #2' = { $null = & $AgentMission 'Recall 2026'; $null = Register-ClawdTalkCall -Slug recall-2026 -To '+1 212 555 0185' -At (Get-Date).AddMinutes(2) -Force }
        'Get-ClawdTalkBridge #3' = ''
        'Install-ClawdTalkBridgeService #2' = { $env:XDG_RUNTIME_DIR = $dir }   # systemd-analyze --user needs a runtime folder
        'Install-ClawdTalkBridgeService #3' = ''
        'Uninstall-ClawdTalkBridgeService #2' = { $null = Install-ClawdTalkBridgeService -Name lab -UnitDirectory ./out -Platform Systemd -NoStart }
        'Restart-ClawdTalkBridge #2' = { $null = Start-ClawdTalkBridge -Name support -GatewayUrl $sb.GatewayUrl -GatewayToken $gwt }
        'Test-ClawdTalkMission #1' = $Dentist
        'Test-ClawdTalkMission #2' = { $null = & $AgentMission 'Oat milk sweep' }
        'Test-ClawdTalkMission #3' = $Dentist
        'Export-ClawdTalkMissionReport #1' = { $null = & $AgentMission 'Oat milk sweep' }
        'Export-ClawdTalkMissionReport #2' = { . $Dentist; $null = Complete-ClawdTalkMission -Slug dentist-outreach -Summary 'done'; $null = New-Item -ItemType Directory ./reports }
        'Export-ClawdTalkMissionReport #3' = { . $Dentist; $null = Complete-ClawdTalkMission -Slug dentist-outreach -Summary 'first run done'
                                               $null = Initialize-ClawdTalkMission -Name 'Dentist outreach' -Instructions 'Ask for a demo slot.' -Request 'Book demos again' -Step call }
        'Test-ClawdTalkConnection #3' = ''
        'Disconnect-ClawdTalk #2' = ''
        'Wait-ClawdTalkEvent #1' = { $mission = & $AgentMission 'Oat milk sweep'; $numbers = '+1 212 555 0186', '+1 212 555 0002' }
        'Wait-ClawdTalkEvent #3' = { $null = & $AgentMission 'Oat milk sweep'; $events = Register-ClawdTalkCall -Slug oat-milk-sweep -To '+1 212 555 0187' -At (Get-Date).AddMinutes(2) -Force }
        'Wait-ClawdTalkEvent #4' = { $slug = (& $AgentMission 'Oat milk sweep').Slug; $events = Register-ClawdTalkCall -Slug $slug -To '+1 212 555 0188', '+1 212 555 0189' -At (Get-Date).AddMinutes(2) -Force }
        'Write-ClawdTalkEvent #1' = $Dentist
        'Get-ClawdTalkMissionProgress #1' = $Dentist
        'Get-ClawdTalkMissionProgress #2' = $Dentist
        'Get-ClawdTalkMissionProgress #3' = $Dentist
        'Install-ClawdTalkSkill #2' = { . $Package; $null = New-TestPublishedClient -Workspace ./workspace -Config @{ owner_name = 'Ada' } }
        'Install-ClawdTalkSkill #3' = { . $Package }
        'Uninstall-ClawdTalkSkill #1' = { . $Package; $null = Install-ClawdTalkSkill -Path ./package -Workspace ./workspace }
        'Uninstall-ClawdTalkSkill #2' = { . $Package; $null = Install-ClawdTalkSkill -Path ./package -Workspace ./workspace }
    }
}
AfterAll {
    if ($null -eq $savedDataHome) { Remove-Item env:XDG_DATA_HOME -ErrorAction SilentlyContinue } else { $env:XDG_DATA_HOME = $savedDataHome }
    Get-ClawdTalkBridge | Stop-ClawdTalkBridge
    $sb | Stop-TestSandbox
}

BeforeDiscovery {
    # example id => why it does not run against the sandbox here
    $script:NotRunnable = @{
        'Add-ClawdTalkAgent #2' = 'an assistant id of the author''s account (assistant-7c1e)'
        'Add-ClawdTalkLinkedAgent #1' = 'an assistant id of the author''s account (assistant-7c1e)'
        'Connect-ClawdTalk #1' = 'reads the key at an interactive prompt (Read-Host); Configuration.Tests.ps1 connects with a SecureString'
        'Connect-ClawdTalk #2' = 'a sandbox on a fixed port (8787) with its default key; Configuration.Tests.ps1 connects to the sandbox the same way'
        'Connect-ClawdTalk #3' = 'needs a SecretManagement vault holding the key'
        'Connect-ClawdTalk #4' = 'reads the key at an interactive prompt (Read-Host); Configuration.Tests.ps1 sets the owner numbers'
        'Get-ClawdTalkGateway #2' = 'reads /srv/openclaw/openclaw.json, outside the test''s folder; Gateway.Tests.ps1 reads a file given by -Path -Offline'
        'Register-ClawdTalkCall #1' = 'waits for the callees'' business hours (Mon-Fri 09:00-17:00 in their zone): up to two and a half days of service time'
        'Install-ClawdTalkBridgeService #1' = 'reads the key at an interactive prompt and starts a unit in the real service manager; Bridge.Tests.ps1 writes one with -NoStart'
        'Uninstall-ClawdTalkBridgeService #1' = 'stops and disables a unit through the real service manager (systemctl --user); Bridge.Tests.ps1 installs and removes one'
        'Restart-ClawdTalkBridge #1' = 'restarts the detached bridge of the configuration with its real gateway; Bridge.Tests.ps1 restarts a job, BridgeDetachedTests a detached bridge'
        'Start-ClawdTalkBridge #4' = 'needs the OpenClaw gateway of the configuration; Bridge.Tests.ps1 starts one against the simulated gateway'
        'Start-ClawdTalkBridge #5' = 'needs the OpenClaw gateway of the configuration; Bridge.Tests.ps1 starts one against the simulated gateway'
        'Start-ClawdTalkBridge #6' = 'needs the OpenClaw gateway of the configuration; Bridge.Tests.ps1 starts one against the simulated gateway'
        'Stop-ClawdTalkBridge #3' = 'stops a detached bridge of another process; BridgeDetachedTests start and stop one'
        'Register-ClawdTalkSms #3' = 'an assistant id of the author''s account (assistant-7c1e)'
        'Set-ClawdTalkAssistant #3' = 'an assistant id of the author''s account (assistant-7c1e)'
        'Get-ClawdTalkGateway #1' = 'reads the real ~/.openclaw/openclaw.json and probes its gateway; Gateway.Tests.ps1 reads a file given by -Path'
        'Get-ClawdTalkInsight #1' = 'a conversation id of the author''s account (conv_123); #2 runs on a real conversation'
        'Get-ClawdTalkInsight #3' = 'a conversation id of the author''s account (conv_123)'
        'Get-ClawdTalkLinkedAgent #2' = 'mission and run ids of the author''s account (mis_123, run_456)'
        'Get-ClawdTalkRun #2' = 'a mission id of the author''s account (mis_123)'
        'Grant-ClawdTalkGatewayTool #1' = 'edits the real ~/.openclaw/openclaw.json; Gateway.Tests.ps1 grants on a file given by -Path'
        'Import-ClawdTalkGatewayConfiguration #1' = 'reads the real ~/.openclaw/openclaw.json; Gateway.Tests.ps1 imports a file given by -Path'
        'Import-ClawdTalkGatewayConfiguration #2' = 'reads the real ~/.openclaw/openclaw.json; Gateway.Tests.ps1 imports a file given by -Path'
        'Invoke-ClawdTalkPoll #2' = 'a cron command line with a module path of the author''s machine'
        'New-ClawdTalkPlan #2' = 'mission and run ids of the author''s account (mis_123, run_456)'
        'New-ClawdTalkRun #1' = 'a mission id of the author''s account (mis_123)'
        'New-ClawdTalkRun #2' = 'a mission id of the author''s account (mis_123)'
        'Register-ClawdTalkPoller #1' = 'registers in the real crontab; Gateway.Tests.ps1 does so and restores the crontab'
        'Register-ClawdTalkPoller #2' = 'registers in the real crontab; Gateway.Tests.ps1 does so and restores the crontab'
        'Register-ClawdTalkPoller #3' = 'registers in the real crontab and needs the OpenClaw gateway of the configuration; Skill.Tests.ps1 registers with -NotifyAgent against the simulated gateway'
        'Register-ClawdTalkPoller #4' = 'names a pwsh path (/opt/microsoft/powershell/7/pwsh) this machine does not have'
        'Install-ClawdTalkSkill #1' = 'imports the module again from the extracted package and installs into the real home; Package.Tests.ps1 does it in a pwsh with a home of its own, SkillDoc.Tests.ps1 as SKILL.md gives it'
        'Remove-ClawdTalkLinkedAgent #1' = 'an assistant id of the author''s account (assistant-7c1e)'
        'Request-ClawdTalkApproval #1' = 'waits up to 120 s for the owner''s phone and runs ./deploy.ps1; Approvals.Tests.ps1 answers through the sandbox'
        'Request-ClawdTalkApproval #2' = 'waits up to 300 s for a biometric answer on the owner''s phone'
        'Set-ClawdTalkConfiguration #2' = 'reads the gateway token at an interactive prompt (Read-Host)'
        'Set-ClawdTalkPhoneNumber #2' = 'an assistant id of the author''s account (ast_000009)'
        'Set-ClawdTalkRun #2' = 'mission and run ids of the author''s account (mis_123, run_456)'
        'Start-ClawdTalkBridge #1' = 'reads the key at an interactive prompt and needs a real OpenClaw gateway; Bridge.Tests.ps1 uses the simulated one'
        'Start-ClawdTalkBridge #2' = 'a service command line that runs until stopped (-Wait)'
        'Start-ClawdTalkBridge #3' = 'needs the OpenClaw gateway of the configuration; Bridge.Tests.ps1 starts one against the simulated gateway'
        'Stop-ClawdTalkCall #2' = 'a call id of the author''s account (call_000009)'
        'Unregister-ClawdTalkPoller #1' = 'needs a poller in the real crontab; Gateway.Tests.ps1 registers and removes one'
        'Wait-ClawdTalkEvent #2' = 'a business-hours retry policy waits up to an hour of real time'
        'Write-ClawdTalkEvent #2' = 'mission and run ids of the author''s account (mis_123, run_456)'
    }
}

Describe 'Help examples' -ForEach @(@{ Ids = @($examples.Id); NotRunnableIds = @($NotRunnable.Keys) }) {
    It 'puts every example in the runnable or the not-runnable table' {
        $unclassified = $Ids | Where-Object { -not $Runnable.ContainsKey($_) -and $_ -notin $NotRunnableIds }
        $unclassified | Should -BeNullOrEmpty
        $Runnable.Keys | Where-Object { $_ -notin $Ids } | Should -BeNullOrEmpty -Because 'a runnable entry must name an existing example'
        @($Runnable.Keys | Where-Object { $_ -in $NotRunnableIds }) | Should -BeNullOrEmpty
    }
}

Describe 'Help example <Id>' -ForEach ($examples | Where-Object { -not $NotRunnable.ContainsKey($_.Id) }) {
    BeforeEach {
        # a fresh state store and folder per example; the session stays connected
        $script:dir = Join-Path $testHome ('ex-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $env:CLAWDTALK_STATE = Join-Path $dir 'missions_state.json'
        $env:CLAWDTALK_CONFIG = Join-Path $dir 'skill-config.json'
        Connect-ClawdTalk -ApiKey $sb.SecureKey -Server $sb.Url
        Push-Location $dir
    }
    AfterEach { Pop-Location }
    It 'runs without an error' {
        # an example in neither table fails the coverage test above; it is not run blindly (it may prompt or wait)
        $Runnable.ContainsKey($Id) | Should -BeTrue -Because "$Id must be put in the runnable or the not-runnable table"
        $setup = $Runnable[$Id]
        $script = [scriptblock]::Create("`$ErrorActionPreference = 'Stop'; `$ConfirmPreference = 'None'`n" + $Code)
        $out = & {
            if ($setup) { . $setup }
            . $script
        } 2>&1 3>$null 6>$null
        @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
    }
}
