<#
.SYNOPSIS
    Screening with a rubric: short calls to every candidate, each scored on the same rubric, ranked by the scores.

.DESCRIPTION
    The mission class for choosing among many: the agent's instructions carry a scoring rubric, every candidate gets the
    same short call (in parallel, in business hours in the candidate's own time zone), and each finished conversation's
    insights give a score. The candidates are ranked by score, the shortlist is the top -Shortlist, and the ranking is
    the mission's result (on the timeline and in its memory).

    Candidates come from -Candidate: strings, or objects with a phone property (Phone, PhoneNumber, To …) and any other
    properties (Name, Role …), which travel with each call as variables. Calls to people who do not answer are retried
    the next business day, at most twice, and never after a voicemail (-RetryPolicy Professional); -NoRetry turns that off.

    Rehearse against the sandbox (the score of a sandbox call is the callee's last digit + 1):

        clawdtalk --sandbox -File examples/screening.ps1
#>
[CmdletBinding()]
param(
    # The candidates: strings or objects with a phone property.
    [object[]] $Candidate = @(
        [pscustomobject]@{ Name = 'Ada';    Phone = '+1 212 555 2104'; Role = 'Backend' }
        [pscustomobject]@{ Name = 'Grace';  Phone = '+1 312 555 2118'; Role = 'Backend' }
        [pscustomobject]@{ Name = 'Linus';  Phone = '+1 415 555 2126'; Role = 'Platform' }
        [pscustomobject]@{ Name = 'Barbara'; Phone = '+1 206 555 2139'; Role = 'Platform' }
        [pscustomobject]@{ Name = 'Ken';    Phone = '+1 617 555 2142'; Role = 'Backend' }
        [pscustomobject]@{ Name = 'Radia';  Phone = '+1 512 555 2157'; Role = 'Network' }
    ),

    # How many make the shortlist.
    [int] $Shortlist = 3,

    # When the calls may ring, in each candidate's own time zone (from the number), e.g. 'Mon-Fri 09:00-17:00'.
    [string] $TimeWindow,

    # The mission's name.
    [string] $Name = "Screening $([datetime]::UtcNow.ToString('yyyyMMdd-HHmmss'))",

    # No retries for candidates who do not answer.
    [switch] $NoRetry
)

$ErrorActionPreference = 'Stop'

$rubric = @'
Score the candidate from 1 to 10 and report the score as "score":
- 4 points: has shipped and run a production service in the last two years
- 3 points: can start within a month
- 3 points: salary expectation within the posted range
Ask one question per criterion, thank them, and hang up. Do not promise anything.
'@

$mission = Initialize-ClawdTalkMission -Name $Name -Instructions 'Screen the candidates by phone with the rubric and rank them.' `
    -Request "Screen $(@($Candidate).Count) candidates and shortlist $Shortlist" -Step @{ StepId = 'screen'; Description = 'Screening calls' }, @{ StepId = 'rank'; Description = 'Rank and shortlist' }
$mission = $mission | Add-ClawdTalkAgent -Instructions ("You are screening a job candidate for a short phone interview.`n" + $rubric)

$retry = if ($NoRetry) { 'None' } else { 'Professional' }
$window = if ($TimeWindow) { @{ TimeWindow = $TimeWindow } } else { @{} }
$scored = $Candidate |
    Register-ClawdTalkCall -Slug $mission.Slug -StepId screen @window -RecipientType Professional -Force |
    Wait-ClawdTalkEvent -RetryPolicy $retry -Force |
    ForEach-Object {
        $insight = if ($_.ConversationId) { $_ | Get-ClawdTalkInsight }
        $score = ($insight.Insights | Where-Object name -eq 'score' | ForEach-Object result)
        [pscustomobject]@{
            Name    = $_.Name
            Phone   = $_.To
            Role    = $_.Variables.Role
            Outcome = $_.Outcome
            Score   = if ($score) { [int]$score } else { 0 }
            Summary = $insight.Summary
        }
    }

# Ranked by score, best first (core PowerShell has no Sort-Object here: a .NET list sorts with a script block).
$list = [System.Collections.Generic.List[object]]::new()
foreach ($s in $scored) { $list.Add($s) }
$list.Sort([System.Comparison[object]] { param($a, $b) $b.Score.CompareTo($a.Score) })
$ranked = $list.ToArray()
$top = @($ranked | Where-Object Score -gt 0)
if ($top.Count -gt $Shortlist) { $top = $top[0..($Shortlist - 1)] }

$summary = "Screened $($ranked.Count): shortlist " + (($top | ForEach-Object { "$($_.Name) ($($_.Score))" }) -join ', ')
$null = $mission | Set-ClawdTalkStep -StepId rank -Status completed -Summary $summary
$null = $mission | Complete-ClawdTalkMission -Summary $summary -Payload @{
    ranking   = @($ranked | ForEach-Object { @{ name = $_.Name; phone = $_.Phone; score = $_.Score } })
    shortlist = @($top.Name)
}
$ranked
$summary
