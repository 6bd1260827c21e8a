# At the prompt: Tab completes the ids an administrator types (missions, runs, scheduled events, conversations, calls)
# with the name or number each stands for; a report of any run, earlier ones included; errors that say what happened once
# and what to do.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 2 }
    $script:m = Initialize-ClawdTalkMission -Name 'Tab demo' -Instructions 'Ask for a quote.' -Request 'Quotes' -Step calls |
        Add-ClawdTalkAgent -Instructions 'Ask for a quote, then hang up.'
    $script:calls = @([pscustomobject]@{ Name = 'Ada Plumbing'; Phone = '+1 212 555 0142' }, [pscustomobject]@{ Name = 'Drain Kings'; Phone = '+1 212 555 0002' }) |
        Register-ClawdTalkCall -Slug $m.Slug -StepId calls -Force | Wait-ClawdTalkEvent
    $script:firstRun = $m.RunId
    $null = Complete-ClawdTalkMission -Slug $m.Slug -Summary 'First round done.' -Force
    # initialized again: a new run; the first one is kept as history (previous_runs)
    $script:again = Initialize-ClawdTalkMission -Name 'Tab demo' -Instructions 'Ask for a quote.' -Request 'Quotes, again' -Step calls
    $script:direct = Start-ClawdTalkCall -To '+1 212 555 0157' -Force

    function script:Complete([string] $line) {
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
    }
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'Tab completion of ids' {
    It 'completes mission ids with the mission''s name' {
        $c = @(Complete 'Get-ClawdTalkMission -MissionId ')
        $hit = $c | Where-Object CompletionText -eq $m.MissionId
        $hit | Should -Not -BeNullOrEmpty
        $hit.ToolTip | Should -BeLike '*Tab demo*'
        $hit.ListItemText | Should -BeLike "$($m.MissionId) Tab demo"
    }
    It 'completes a mission id from its name too' {
        (Complete 'Get-ClawdTalkMission -MissionId Tab').CompletionText | Should -Contain $m.MissionId
    }
    It 'completes the runs of a slug: the current one and the earlier one' {
        $c = @(Complete "Export-ClawdTalkMissionReport -Slug $($m.Slug) -RunId ")
        $c.CompletionText | Should -Contain $again.RunId
        $c.CompletionText | Should -Contain $firstRun
        ($c | Where-Object CompletionText -eq $firstRun).ToolTip | Should -BeLike '*earlier run*First round done.*'
    }
    It 'completes the runs of a mission typed by id, from the service as well' {
        $c = @(Complete "Get-ClawdTalkRun -MissionId $($m.MissionId) -RunId ")
        $c.CompletionText | Should -Contain $firstRun
        $c.CompletionText | Should -Contain $again.RunId
    }
    It 'completes scheduled event ids with the number and name called' {
        $c = @(Complete "Get-ClawdTalkScheduledEvent -AssistantId $($m.AssistantId) -EventId ")
        foreach ($e in $calls) {
            $hit = $c | Where-Object CompletionText -eq $e.EventId
            $hit | Should -Not -BeNullOrEmpty
            $hit.ToolTip | Should -BeLike "*$($e.To) ($($e.Name))*"
        }
    }
    It 'completes conversation ids of finished calls with who was called' {
        $answered = $calls | Where-Object ConversationId
        $hit = @(Complete 'Get-ClawdTalkInsight -ConversationId ') | Where-Object CompletionText -eq $answered.ConversationId
        $hit | Should -Not -BeNullOrEmpty
        $hit.ToolTip | Should -BeLike '*Ada Plumbing*'
    }
    It 'completes call ids with the number called' {
        $hit = @(Complete 'Get-ClawdTalkCall -CallId ') | Where-Object CompletionText -eq $direct.CallId
        $hit | Should -Not -BeNullOrEmpty
        $hit.ToolTip | Should -BeLike '*+12125550157*'
    }
    It 'every id parameter of every cmdlet has a completer' {
        $missing = foreach ($c in Get-Command -Module ClawdTalk) {
            foreach ($p in $c.Parameters.Values | Where-Object Name -in 'MissionId', 'RunId', 'EventId', 'ConversationId', 'CallId') {
                if (-not ($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] })) { "$($c.Name) -$($p.Name)" }
            }
        }
        $missing | Should -BeNullOrEmpty
    }
    It 'stays quiet when the service cannot be reached: what the store knows, no error' {
        $closed = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $closed.Start(); $port = $closed.LocalEndpoint.Port; $closed.Stop()
        Connect-ClawdTalk -ApiKey $sb.SecureKey -Server "http://127.0.0.1:$port"
        try {
            $Error.Clear()
            $c = @(Complete 'Get-ClawdTalkMission -MissionId ')
            $c.CompletionText | Should -Contain $m.MissionId
            $Error.Count | Should -Be 0
        } finally { Connect-ClawdTalk -ApiKey $sb.SecureKey -Server $sb.Url }
    }
}

Describe 'Export-ClawdTalkMissionReport of any run' {
    BeforeAll { $script:dir = New-Item -ItemType Directory -Path (Join-Path $testHome 'reports') -Force }

    It 'exports an earlier run of a mission initialized again, and says so in a displayable object' {
        $r = Export-ClawdTalkMissionReport -Slug $m.Slug -RunId $firstRun -Path (Join-Path $dir 'first.html')
        $r.PSObject.TypeNames | Should -Contain 'ClawdTalk.MissionReportFile'
        $r.RunId | Should -Be $firstRun
        $r.Status | Should -Be 'Succeeded'
        $r.Targets | Should -Be 2
        $r.Reached | Should -Be 1
        $r.NotReached | Should -Be 1
        $r.Replaced | Should -BeFalse
        $html = Get-Content -Raw $r.Path
        $html | Should -BeLike "*run $firstRun*"
        $html | Should -BeLike '*Ada Plumbing*'
        $html | Should -BeLike '*1 reached, 1 not reached*'
        ($r | Out-String -Width 80) | Should -BeLike "*$firstRun*Succeeded*"
    }
    It 'exports the same run by its id alone, and by the mission''s id' {
        (Export-ClawdTalkMissionReport -RunId $firstRun -Path (Join-Path $dir 'by-run.html')).Slug | Should -Be $m.Slug
        (Export-ClawdTalkMissionReport -MissionId $m.MissionId -RunId $firstRun -Path (Join-Path $dir 'by-ids.html')).RunId | Should -Be $firstRun
        # the mission's latest run without -RunId
        (Export-ClawdTalkMissionReport -MissionId $m.MissionId -Path (Join-Path $dir 'latest.html')).RunId | Should -Be $again.RunId
    }
    It 'keeps an existing file with -NoClobber, replaces it otherwise and says so' {
        $path = Join-Path $dir 'kept.html'
        'mine' | Set-Content $path
        { Export-ClawdTalkMissionReport -Slug $m.Slug -Path $path -NoClobber -ErrorAction Stop } | Should -Throw -ErrorId 'NoClobber,*'
        Get-Content $path | Should -Be 'mine'
        (Export-ClawdTalkMissionReport -Slug $m.Slug -Path $path).Replaced | Should -BeTrue
        Get-Content -Raw $path | Should -BeLike '*<!DOCTYPE html>*'
    }
    It 'replaces a read-only file only with -Force, and nothing with -WhatIf' {
        $path = Join-Path $dir 'read-only.html'
        'old' | Set-Content $path
        Set-ItemProperty $path -Name IsReadOnly -Value $true
        { Export-ClawdTalkMissionReport -Slug $m.Slug -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'FileReadOnly,*'
        Export-ClawdTalkMissionReport -Slug $m.Slug -Path $path -Force -WhatIf | Should -BeNullOrEmpty
        Get-Content $path | Should -Be 'old'
        (Export-ClawdTalkMissionReport -Slug $m.Slug -Path $path -Force).Replaced | Should -BeTrue
    }
    It 'names an unknown run and what to give instead' {
        $e = { Export-ClawdTalkMissionReport -RunId run_999999 -Path (Join-Path $dir 'x.html') -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotKnown,*' -PassThru
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*-MissionId*'
    }
}

Describe 'Errors that say it once, and what to do' {
    It 'a missing mission is named once, with the command that lists missions' {
        $e = { Get-ClawdTalkMission -MissionId mis_999999 -ErrorAction Stop } | Should -Throw -ErrorId 'MissionNotFound,*' -PassThru
        $message = $e.Exception.Message
        ([regex]::Matches($message, 'not found')).Count | Should -Be 1 -Because "'$message' says it once"
        $message | Should -BeLike "*mis_999999*"
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*Get-ClawdTalkMission*'
    }
    It 'a rejected key says which key, where keys come from and which commands set one' {
        $wrong = ConvertTo-SecureString ('ctk_wrong_' + [guid]::NewGuid().ToString('N')) -AsPlainText -Force
        Connect-ClawdTalk -ApiKey $wrong -Server $sb.Url
        try {
            $e = { Get-ClawdTalkMission -ErrorAction Stop } | Should -Throw -ErrorId 'ApiUnauthorized,*' -PassThru
            $e.Exception.Message | Should -BeLike '*rejected the API key ctk_wr*(from parameter (-ApiKey))*'
            $e.ErrorDetails.RecommendedAction | Should -BeLike '*clawdtalk.com*Connect-ClawdTalk -ApiKey*Set-ClawdTalkConfiguration -ApiKey*'
            $t = Test-ClawdTalkConnection -ErrorVariable failed
            $failed | Should -BeNullOrEmpty -Because 'Test-ClawdTalkConnection reports a failure once, in its result'
            $t.Status | Should -Be 'Unauthorized'
            $t.RecommendedAction | Should -Be $e.ErrorDetails.RecommendedAction
        } finally { Connect-ClawdTalk -ApiKey $sb.SecureKey -Server $sb.Url }
    }
}
