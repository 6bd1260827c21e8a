<#
.SYNOPSIS
    The quick-start mission: four plumbers called for a quote, the unanswered ones called again, every outcome and
    insight recorded, the mission completed with its result.

.DESCRIPTION
    A whole mission through the cmdlets, against the service the session is connected to. Rehearse it on the local
    sandbox, where nobody is called and nothing is billed (its clock runs 60 times faster, and the waits know it):

        clawdtalk --sandbox -File examples/mission.ps1
        dotnet run --project src/ClawdTalk.Host -- --sandbox -File examples/mission.ps1

    The sandbox decides each call's outcome by the number's last four digits, so the four plumbers below give the four
    things a real sweep meets: one answers, one does not answer at first and answers when called again, one has
    voicemail, one is busy. Nothing below makes up an outcome: each line of the report is what the service said.

    Every cmdlet does its own bookkeeping: each scheduled call is saved in the mission's memory and on its timeline,
    the step completes when its calls finish, and Complete-ClawdTalkMission ends the run with the result. Run it again
    with the same -Name after an interruption and it resumes without calling anyone twice.

    Against the real service (after Connect-ClawdTalk), pass your own list: -Plumber (Import-Csv plumbers.csv).

.PARAMETER Name
    The mission's name (its slug keys the state store). Defaults to a name with the current time.

.PARAMETER Plumber
    Who to call: objects with Name and Phone (E.164 or any common spelling of a number).
#>
param(
    [string] $Name = "Plumber quotes $([datetime]::UtcNow.ToString('yyyy-MM-dd HH.mm.ss'))",

    [object[]] $Plumber = @(
        [pscustomobject]@{ Name = 'Ada Plumbing'; Phone = '+1 212 555 0142' }   # answers
        [pscustomobject]@{ Name = 'Brook Pipes';  Phone = '+1 212 555 0005' }   # no answer at first, answers the second call
        [pscustomobject]@{ Name = 'Cole & Sons';  Phone = '+1 212 555 0003' }   # voicemail
        [pscustomobject]@{ Name = 'Drain Kings';  Phone = '+1 212 555 0002' }   # busy
    )
)

$ErrorActionPreference = 'Stop'

# 1. The mission, its run and its plan; running. Resumes if this name already has an open run.
$mission = Initialize-ClawdTalkMission -Name $Name `
    -Instructions 'Call local plumbers, ask what fixing a leaking kitchen tap costs and how soon they can come.' `
    -Request "Get quotes from $($Plumber.Count) plumbers for a leaking kitchen tap" `
    -Step @{ StepId = 'calls'; Description = 'Call every plumber for a quote' },
          @{ StepId = 'report'; Description = 'Report the quotes' }

# 2. The voice agent that places the calls, linked to the run.
$mission = $mission | Add-ClawdTalkAgent -Instructions ('You are calling a plumber for a quote. Ask what fixing a leaking ' +
    'kitchen tap costs and when they could come. Be brief and polite, thank them, then hang up.')

# 3. The calls: scheduled now, waited on with a progress bar, the unanswered and busy ones called once more
#    ten minutes later, and each answered call's insights read as soon as it ends.
$results = $Plumber |
    Register-ClawdTalkCall -Slug $mission.Slug -StepId calls -Force |
    Wait-ClawdTalkEvent -MaxAttempts 2 -RetryDelay (New-TimeSpan -Minutes 10) -Force |
    ForEach-Object {
        $insight = if ($_.ConversationId) { $_ | Get-ClawdTalkInsight }
        [pscustomobject]@{
            Plumber  = $_.Name
            Phone    = $_.To
            Outcome  = $_.Outcome
            Attempts = $_.Attempt
            Quote    = $insight.Summary
        }
    }
$results | Format-Table -AutoSize

# 4. The report: on the timeline, and as the run's result.
$answered = @($results | Where-Object Outcome -eq 'answered')
$summary = "Called $($results.Count) plumbers: $($answered.Count) gave a quote; " +
    (($results | Group-Object Outcome | Sort-Object Name | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', ') + '.'
$null = $mission | Set-ClawdTalkStep -StepId report -Status completed -Summary $summary
$done = $mission | Complete-ClawdTalkMission -Summary $summary -Payload @{
    quotes = @($answered | Select-Object Plumber, Phone, Quote)
    outcomes = @($results | Select-Object Plumber, Outcome, Attempts)
}

# What the dashboard shows: the plan, the timeline, the result.
(Get-ClawdTalkPlan -Slug $done.Slug).Steps | Format-Table StepId, Status, Description -AutoSize
Get-ClawdTalkEvent -Slug $done.Slug | Format-Table -AutoSize
$summary
"Mission '$($done.Slug)' is $($done.Status)."
