<#
.SYNOPSIS
    Two rounds with a gate: qualify every lead by phone, decide who goes on, then book demos with them and thank the rest.

.DESCRIPTION
    The mission class where a second round depends on the whole first one:

    1. Round 1 (parallel): a short qualifying call to every lead.
    2. The gate: the leads whose conversations score at least -Threshold go on. With -RequireApproval the owner must
       approve round 2 on their phone first (anything but an approval stops the mission, cancelled, before round 2).
       The decision is logged on the mission's timeline and saved in its memory.
    3. Round 2: the agent is briefed for demo booking (Set-ClawdTalkAssistant), the qualified leads get a second call,
       and the others a thank-you text, each text written for its lead from a template ({{Name}}, {{Company}}).

    Note: the service marks a run succeeded as soon as all of its scheduled events are done, so between the rounds the
    run shows "succeeded" on the service; the module keeps the mission open until Complete-ClawdTalkMission.

    Rehearse against the sandbox (score = callee's last digit + 1):

        clawdtalk --sandbox -File examples/two-rounds.ps1
#>
[CmdletBinding()]
param(
    [object[]] $Lead = @(
        [pscustomobject]@{ Name = 'Priya'; Company = 'Northwind'; Phone = '+1 646 555 4109' }
        [pscustomobject]@{ Name = 'Tom';   Company = 'Contoso';   Phone = '+1 646 555 4112' }
        [pscustomobject]@{ Name = 'Mei';   Company = 'Fabrikam';  Phone = '+1 646 555 4127' }
        [pscustomobject]@{ Name = 'Jonas'; Company = 'Tailspin';  Phone = '+1 646 555 4133' }
        [pscustomobject]@{ Name = 'Sara';  Company = 'Litware';   Phone = '+1 646 555 4148' }
    ),

    # The lowest score that passes the gate.
    [ValidateRange(1, 10)]
    [int] $Threshold = 7,

    # Ask the owner to approve round 2.
    [switch] $RequireApproval,

    [string] $Name = "Demo bookings $([datetime]::UtcNow.ToString('yyyyMMdd-HHmmss'))"
)

$ErrorActionPreference = 'Stop'

$mission = Initialize-ClawdTalkMission -Name $Name -Instructions 'Qualify the leads, then book demos with the qualified ones.' `
    -Request "Book demos with the best of $(@($Lead).Count) leads" `
    -Step @{ StepId = 'round-1'; Description = 'Qualifying calls' }, @{ StepId = 'round-2'; Description = 'Demo calls and thank-you texts' }
$mission = $mission | Add-ClawdTalkAgent -Instructions 'You are qualifying a sales lead: ask about team size, budget and timeline. Be brief.'

# Round 1: everyone, in parallel.
$round1 = $Lead | Register-ClawdTalkCall -Slug $mission.Slug -StepId round-1 -RecipientType Business -Force |
    Wait-ClawdTalkEvent -Force |
    ForEach-Object {
        $insight = if ($_.ConversationId) { $_ | Get-ClawdTalkInsight }
        $score = $insight.Insights | Where-Object name -eq 'score' | ForEach-Object result
        [pscustomobject]@{ Name = $_.Name; Company = $_.Variables.Company; Phone = $_.To; Score = if ($score) { [int]$score } else { 0 } }
    }

# The gate.
$qualified = @($round1 | Where-Object Score -ge $Threshold)
$others = @($round1 | Where-Object Score -lt $Threshold)
$decision = "$($qualified.Count) of $(@($round1).Count) leads scored $Threshold or more: " + (($qualified | ForEach-Object { "$($_.Name) ($($_.Score))" }) -join ', ')
if ($qualified.Count -eq 0) {
    $null = $mission | Stop-ClawdTalkMission -Reason "No lead passed the gate. $decision" -Force
    "No lead passed the gate; the mission was stopped."
    return
}
if ($RequireApproval) {
    $approval = Request-ClawdTalkApproval -Action "Book demos with $($qualified.Count) leads" -Details $decision -Timeout 300 -ErrorAction Continue
    if (-not $approval.Approved) {
        $null = $mission | Stop-ClawdTalkMission -Reason "Round 2 was not approved ($($approval.Decision))." -Force
        "Round 2 not approved ($($approval.Decision)); the mission was stopped."
        return
    }
}
$null = $mission | Write-ClawdTalkEvent -Summary "Gate passed: $decision" -Payload @{ threshold = $Threshold; qualified = @($qualified.Phone) }
$null = $mission | Set-ClawdTalkMemory -Key gate -Value @{ threshold = $Threshold; qualified = @($qualified.Name); others = @($others.Name) }

# Round 2: the agent is briefed again, demo calls to the qualified, thank-you texts to the others.
Set-ClawdTalkAssistant -AssistantId $mission.AssistantId -Instructions 'You are calling back a qualified lead to book a 30-minute product demo next week. Offer Tuesday or Thursday afternoon.'
$calls = @($qualified | Register-ClawdTalkCall -Slug $mission.Slug -StepId round-2 -Force)
$texts = @($others | Register-ClawdTalkSms -Slug $mission.Slug -StepId round-2 -Force `
    -Message 'Hi {{Name}}, thanks for talking with us about {{Company}}. We will send you our newsletter; reply STOP to opt out.')
$round2 = @($calls + $texts | Wait-ClawdTalkEvent -Force)

$booked = @($round2 | Where-Object { $_.Channel -eq 'Call' -and $_.Outcome -eq 'answered' })
$thanked = @($round2 | Where-Object { $_.Channel -eq 'Sms' -and $_.Status -eq 'Completed' })
$summary = "Demo calls answered: $($booked.Count) of $($qualified.Count); thank-you texts sent: $($thanked.Count) of $($others.Count)."
$null = $mission | Complete-ClawdTalkMission -Summary $summary -Payload @{ demos = @($booked.Name); thanked = @($thanked.Name) }
$round1
$summary
