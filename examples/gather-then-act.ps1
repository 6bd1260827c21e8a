<#
.SYNOPSIS
    Gather, then act: call suppliers one after another until one can do the job, cancel the remaining calls, then book it.

.DESCRIPTION
    The mission class that stops early: the calls are scheduled a few minutes apart (-Stagger), and the results are read
    as each call finishes. As soon as a supplier qualifies (its conversation scores -Goal or more), the calls that have
    not started are cancelled (Unregister-ClawdTalkScheduledEvent -Slug: "cancel the rest", logged with the reason),
    and the script acts on the result: it texts the chosen supplier to confirm the order. If nobody qualifies, the
    mission fails with what it learned.

    Rehearse against the sandbox (score = callee's last digit + 1):

        clawdtalk --sandbox -File examples/gather-then-act.ps1
#>
[CmdletBinding()]
param(
    [object[]] $Supplier = @(
        [pscustomobject]@{ Name = 'Alpine Bakery';    Phone = '+1 720 555 5101' }
        [pscustomobject]@{ Name = 'Butter & Crumb';   Phone = '+1 720 555 5114' }
        [pscustomobject]@{ Name = 'Corner Loaf';      Phone = '+1 720 555 5128' }
        [pscustomobject]@{ Name = 'Daily Bread';      Phone = '+1 720 555 5139' }
        [pscustomobject]@{ Name = 'Elm Street Ovens'; Phone = '+1 720 555 5142' }
        [pscustomobject]@{ Name = 'Flour Power';      Phone = '+1 720 555 5156' }
    ),

    # The score a supplier needs (1-10).
    [ValidateRange(1, 10)]
    [int] $Goal = 8,

    # Time between two calls.
    [timespan] $Stagger = [timespan]::FromMinutes(5),

    [string] $Name = "Wedding cake $([datetime]::UtcNow.ToString('yyyyMMdd-HHmmss'))"
)

$ErrorActionPreference = 'Stop'

$mission = Initialize-ClawdTalkMission -Name $Name -Instructions 'Find one bakery that can make a three-tier cake for Saturday, then order it.' `
    -Request 'Order a wedding cake for Saturday' -Step @{ StepId = 'gather'; Description = 'Call bakeries until one can do it' }, @{ StepId = 'act'; Description = 'Confirm the order' }
$mission = $mission | Add-ClawdTalkAgent -Instructions 'Ask whether they can bake a three-tier wedding cake for this Saturday and for how much.'

# Gather: the calls ring one after another; the first supplier that qualifies ends the search.
$chosen = $null
$heard = @()
$Supplier | Register-ClawdTalkCall -Slug $mission.Slug -StepId gather -Stagger $Stagger -Force |
    Wait-ClawdTalkEvent -Force |
    ForEach-Object {
        if ($_.IsCanceled) { return }
        $score = 0
        if ($_.ConversationId) {
            $insight = $_ | Get-ClawdTalkInsight
            $score = [int]($insight.Insights | Where-Object name -eq 'score' | ForEach-Object result)
        }
        $script:heard += [pscustomobject]@{ Name = $_.Name; Phone = $_.To; Outcome = $_.Outcome; Score = $score }
        if (-not $script:chosen -and $score -ge $Goal) {
            $script:chosen = $_
            # the goal is met: the calls that have not started are cancelled (the running ones finish)
            Unregister-ClawdTalkScheduledEvent -Slug $mission.Slug -Reason "goal met: $($_.Name) can do it" -Force
        }
    }

if (-not $chosen) {
    $null = $mission | Stop-ClawdTalkMission -Failed -Reason "No bakery scored $Goal or more." -Payload @{ heard = @($heard | ForEach-Object { @{ name = $_.Name; score = $_.Score } }) } -Force
    $heard
    'No bakery can do it; the mission failed.'
    return
}

# Act: confirm the order by text.
$confirmation = $chosen | Register-ClawdTalkSms -Slug $mission.Slug -StepId act -Force `
    -Message 'Hi {{Name}}, this is to confirm the three-tier wedding cake for Saturday we just discussed. Thank you!' |
    Wait-ClawdTalkEvent -Force
$cancelled = @(Get-ClawdTalkScheduledEvent -Slug $mission.Slug -Channel Call | Where-Object IsCanceled)
$summary = "Ordered from $($chosen.Name) after $(@($heard).Count) call(s); $($cancelled.Count) call(s) cancelled; confirmation text $($confirmation.Status)."
$null = $mission | Complete-ClawdTalkMission -Summary $summary -Payload @{ supplier = $chosen.Name; phone = $chosen.To; cancelled = @($cancelled.To) }
$heard
$summary
