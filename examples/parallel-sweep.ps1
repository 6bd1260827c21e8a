<#
.SYNOPSIS
    Parallel sweep: one question to many independent people at once, answers gathered and ranked.

.DESCRIPTION
    The mission class for calls that do not depend on each other: every shop on a list is asked the same question, all
    calls are scheduled together (a few requests in flight at a time), the script waits for all of them, reads each
    conversation's insights and reports the answers. The do-not-call list is honoured and a number that comes twice is
    called once. Calls that are not answered are tried again later (business policy: 30 minutes, then 2 hours).

    Everything is recorded as it happens: each scheduled call in the mission's memory and on its timeline, each outcome,
    the completion. Rerunning the script with the same -Name schedules nothing twice.

    Calls cost money on the real service. Rehearse against the local sandbox, where the last four digits decide the
    outcome (0001 no answer, 0002 busy, 0003 voicemail, 0004 failed, 0005 answered on the second try; others answer):

        clawdtalk --sandbox -File examples/parallel-sweep.ps1
        clawdtalk --sandbox --time-scale 600 -File examples/parallel-sweep.ps1 -Count 20

    The waits follow the sandbox's clock by themselves (it says its time scale in every answer): nothing to set. The
    script uses only the ClawdTalk cmdlets and the core of PowerShell.
#>
[CmdletBinding()]
param(
    # How many shops to call (their numbers are generated: +1 212 555 1001, 1002, …).
    [ValidateRange(1, 1000)]
    [int] $Count = 100,

    # The mission's name; a new name starts a new mission, the same name resumes it.
    [string] $Name = "Oat milk sweep $([datetime]::UtcNow.ToString('yyyyMMdd-HHmmss'))",

    # Numbers never to call.
    [string[]] $DoNotCall = @('+1 212 555 1013'),

    # Schedule requests in flight at once.
    [ValidateRange(1, 32)]
    [int] $ThrottleLimit = 8,

    # When the first call starts (the others follow a few seconds apart); by default at once. For example the next
    # opening hour: -At (Get-Date).Date.AddDays(1).AddHours(9)
    [datetime] $At
)

$ErrorActionPreference = 'Stop'

# 1. The list: every shop with its name, number and neighbourhood (per-target variables travel with each call).
$shops = foreach ($i in 1..$Count) {
    [pscustomobject]@{ Name = "Shop $i"; Phone = '+1 212 555 {0:0000}' -f (1000 + $i); Neighbourhood = @('Midtown', 'SoHo', 'Harlem')[$i % 3] }
}
# the same shop twice (another spelling of its number) is still called once
$shops += [pscustomobject]@{ Name = 'Shop 1 (again)'; Phone = '+1 (212) 555-1001' }

# 2. The mission, its plan, and an agent with a number.
$mission = Initialize-ClawdTalkMission -Name $Name -Instructions 'Ask shops whether they stock oat milk and at what price.' `
    -Request "Find which of $Count shops stock oat milk" -Step @{ StepId = 'sweep'; Description = 'Call every shop' }, @{ StepId = 'report'; Description = 'Report the answers' }
$mission = $mission | Add-ClawdTalkAgent -Instructions 'You are calling a shop. Ask whether they stock oat milk and what a litre costs. Be brief and polite, then hang up.'

# 3. Call everyone, wait for every call (retrying the unanswered ones), and read the insights as the calls finish.
$when = if ($PSBoundParameters.ContainsKey('At')) { @{ At = $At } } else { @{} }
$answers = $shops |
    Register-ClawdTalkCall -Slug $mission.Slug -StepId sweep -ExcludeList $DoNotCall -ThrottleLimit $ThrottleLimit -RecipientType Business -Force -WarningAction SilentlyContinue @when |
    Wait-ClawdTalkEvent -RetryPolicy ByRecipientType -Force |
    ForEach-Object {
        $insight = if ($_.ConversationId) { $_ | Get-ClawdTalkInsight }
        [pscustomobject]@{
            Name     = $_.Name
            Phone    = $_.To
            Outcome  = $_.Outcome
            Attempts = $_.Attempt
            Summary  = $insight.Summary
        }
    }

# 4. The report: on the timeline and as the run's result.
$reached = @($answers | Where-Object Outcome -eq 'answered')
$missed = @($answers | Where-Object Outcome -ne 'answered')
$summary = "Called $($answers.Count) shops: $($reached.Count) answered, $($missed.Count) not reached."
$null = $mission | Set-ClawdTalkStep -StepId report -Status completed -Summary $summary
$done = $mission | Complete-ClawdTalkMission -Summary $summary -Payload @{ answered = $reached.Count; missed = @($missed.Phone) }

$answers
$summary
"Mission '$($done.Slug)' is $($done.Status)."
