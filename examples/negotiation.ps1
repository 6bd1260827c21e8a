<#
.SYNOPSIS
    Sequential negotiation: one call at a time, each call's instructions carrying what the earlier calls gave.

.DESCRIPTION
    The mission class where each call depends on the last: movers are called one after another for a quote; before
    each call the agent's instructions are rewritten (Set-ClawdTalkAssistant) with the best quote so far, so the next
    mover is asked to beat it. The loop schedules one call, waits for it, reads its insights, and updates the agent.

    Every call, quote and instruction change is on the mission's timeline; the winner is the mission's result.

    Rehearse against the sandbox (a sandbox call's "interest score" is the callee's last digit + 1; this script reads
    it as the mover's discount, so the quote is 2,000 minus 100 per point):

        clawdtalk --sandbox -File examples/negotiation.ps1
#>
[CmdletBinding()]
param(
    # The movers, called in this order.
    [object[]] $Mover = @(
        [pscustomobject]@{ Name = 'Swift Movers'; Phone = '+1 303 555 3103' }
        [pscustomobject]@{ Name = 'Box Brothers'; Phone = '+1 303 555 3116' }
        [pscustomobject]@{ Name = 'Careful Carriers'; Phone = '+1 303 555 3128' }
    ),

    [string] $Name = "Moving quotes $([datetime]::UtcNow.ToString('yyyyMMdd-HHmmss'))"
)

$ErrorActionPreference = 'Stop'

$base = 'You are booking a move of a two-bedroom flat from Denver to Boulder on the 14th. Ask for their best all-in price.'
$steps = for ($i = 0; $i -lt @($Mover).Count; $i++) { @{ StepId = "call-$($i + 1)"; Description = "Quote from $(@($Mover)[$i].Name)" } }
$mission = Initialize-ClawdTalkMission -Name $Name -Instructions 'Get the best price for the move, one mover at a time.' -Request 'Find the cheapest mover for the 14th' -Step $steps
$mission = $mission | Add-ClawdTalkAgent -Instructions $base

$best = $null
$quotes = @()
$n = 0
foreach ($m in $Mover) {
    $n++
    # 1. what the previous calls gave goes into this call's instructions
    $instructions = if ($best) {
        "$base The best quote so far is $($best.Quote) dollars from $($best.Name). Ask whether they can beat it; if not, thank them and hang up."
    } else { $base }
    Set-ClawdTalkAssistant -AssistantId $mission.AssistantId -Instructions $instructions

    # 2. one call, waited for
    $call = $m | Register-ClawdTalkCall -Slug $mission.Slug -StepId "call-$n" -Force | Wait-ClawdTalkEvent -Force
    if (-not $call.ConversationId) {
        $quotes += [pscustomobject]@{ Name = $m.Name; Phone = $call.To; Quote = $null; Outcome = $call.Outcome }
        continue
    }

    # 3. the quote, from the conversation's insights
    $insight = $call | Get-ClawdTalkInsight
    $points = [int](($insight.Insights | Where-Object name -eq 'score' | ForEach-Object result) | ForEach-Object { $_ })
    $quote = [pscustomobject]@{ Name = $m.Name; Phone = $call.To; Quote = 2000 - 100 * $points; Outcome = $call.Outcome }
    $quotes += $quote
    if (-not $best -or $quote.Quote -lt $best.Quote) { $best = $quote }
    $null = $mission | Set-ClawdTalkMemory -Key "quote:$($m.Name)" -Value @{ quote = $quote.Quote; conversation = $call.ConversationId }
}

$summary = if ($best) { "Best quote: $($best.Quote) dollars from $($best.Name) ($(@($quotes).Count) movers called)." } else { 'No mover gave a quote.' }
$null = $mission | Complete-ClawdTalkMission -Summary $summary -Payload @{ winner = $best.Name; quote = $best.Quote; quotes = @($quotes | ForEach-Object { @{ name = $_.Name; quote = $_.Quote } }) }
$quotes
$summary
