<#
.SYNOPSIS
    A complete small ClawdTalk mission: a plan, a voice agent, the steps worked one by one, the result recorded.

.DESCRIPTION
    Runs against the service the session is connected to, and needs no secret of its own.
    Rehearse it without calls or costs on the local sandbox:

        clawdtalk --sandbox -File examples/mission.ps1

    or, with pwsh and a real account, after Connect-ClawdTalk:

        ./examples/mission.ps1 -Name 'Dentist outreach'

    Every cmdlet below does its own bookkeeping: each step change is logged as an event and saved in the
    mission's memory, the last step ends the run, and a failure fails the mission instead of leaving it
    "running". Run the script again after an interruption and it resumes where it stopped.

.PARAMETER Name
    The mission's name (its slug keys the state store). Defaults to a name with the current time.

.PARAMETER NoPhoneNumber
    Set up the agent without a dedicated phone number (for accounts without one).
#>
param(
    [string] $Name = ('Example outreach ' + [datetime]::UtcNow.ToString('yyyy-MM-dd HH.mm.ss')),
    [switch] $NoPhoneNumber
)

$ErrorActionPreference = 'Stop'

# 1. The mission, its run and its plan; running. Resumes if this name already has an open run.
$mission = Initialize-ClawdTalkMission -Name $Name `
    -Instructions 'Call the leads, ask whether they want a demo next week, and note who does.' `
    -Request 'Find out which of our three newest leads want a demo.' `
    -Step @(
        @{ StepId = 'research'; Description = 'Collect the leads to call' }
        @{ StepId = 'call';     Description = 'Call each lead' }
        @{ StepId = 'report';   Description = 'Report who wants a demo' }
    )

# 2. The voice agent: an assistant linked to the run, with a dedicated number.
$mission = $mission | Add-ClawdTalkAgent -Greeting '' -NoPhoneNumber:$NoPhoneNumber

# 3. Research: the leads go into the mission's memory.
$mission | Set-ClawdTalkStep -StepId research -Status in_progress
$leads = @(
    [pscustomobject]@{ Name = 'Ada';   Phone = '+15550100001' }
    [pscustomobject]@{ Name = 'Grace'; Phone = '+15550100002' }
    [pscustomobject]@{ Name = 'Alan';  Phone = '+15550100003' }
)
$leads | Add-ClawdTalkMemory -Slug $mission.Slug -Key leads
$mission | Set-ClawdTalkStep -StepId research -Status completed -Summary "$($leads.Count) leads collected"

# 4. Calls. Scheduling them is Register-ClawdTalkCall's job; here each outcome is recorded on the timeline.
$mission | Set-ClawdTalkStep -StepId call -Status in_progress
$interested = foreach ($lead in $leads) {
    $wantsDemo = $lead.Name -ne 'Alan'
    $mission | Write-ClawdTalkEvent -Type message -StepId call -Summary "$($lead.Name): $(if ($wantsDemo) { 'wants a demo' } else { 'not now' })" `
        -Payload @{ phone = $lead.Phone; demo = $wantsDemo } | Out-Null
    if ($wantsDemo) { $lead.Name }
}
Set-ClawdTalkMemory -Slug $mission.Slug -Key interested -Value @($interested)
$mission | Set-ClawdTalkStep -StepId call -Status completed -Summary "$($leads.Count) calls, $(@($interested).Count) interested"

# 5. Report: the last step ends the run; Complete-ClawdTalkMission records the result.
$mission | Set-ClawdTalkStep -StepId report -Status completed
$final = $mission | Complete-ClawdTalkMission -Summary "$(@($interested).Count) of $($leads.Count) leads want a demo: $($interested -join ', ')" `
    -Payload @{ interested = @($interested); called = $leads.Count }

# What the dashboard shows, and what the state store keeps as history.
Get-ClawdTalkEvent -Slug $final.Slug | Out-Default
$final | Out-Default
