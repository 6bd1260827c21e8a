<#
.SYNOPSIS
    Calls, texts and an owner approval end to end: the evening guest round of a small restaurant.

.DESCRIPTION
    1. Asks the owner to approve the round (with -RequireApproval). Only an approval goes on: a denial, a timeout, no
       device or any error stops the script before anything is sent.
    2. Rings the owner's phone to say the round starts, and hangs up again.
    3. Calls each guest and follows every call to its end.
    4. Texts the guests who did not pick up (no answer, busy, voicemail, failed).
    5. Shows the conversations and the latest messages.

    Calls and texts cost money on the real service. Rehearse it against the local sandbox, where the last four digits
    of a number decide the outcome: 0001 no answer, 0002 busy, 0003 voicemail, 0004 failed (texts too), 0005 no answer
    first and answered on the next try; any other number answers. The session must be connected first, e.g.:

        clawdtalk --sandbox -File examples/calls-and-sms.ps1
        Connect-ClawdTalk -Server http://127.0.0.1:5080 -ApiKey $key; ./examples/calls-and-sms.ps1 -RequireApproval

    It uses only the ClawdTalk cmdlets and the core of PowerShell, so it also runs in the clawdtalk host.
#>
[CmdletBinding()]
param(
    # The guests to call, in any international form.
    [string[]] $Guest = @('+1 212 555 0142', '+1 212 555 0003', '+1 212 555 0002', '+1 212 555 0004'),

    # Ask the owner on their phone before anything is sent.
    [switch] $RequireApproval,

    # Seconds the owner has to answer.
    [int] $ApprovalTimeout = 120
)

$ErrorActionPreference = 'Stop'

# 1. Ask first. Request-ClawdTalkApproval fails closed: anything but Approved means no.
if ($RequireApproval) {
    $approval = Request-ClawdTalkApproval -Action "Call and text $($Guest.Count) guests about tonight" -Details ($Guest -join ', ') -Timeout $ApprovalTimeout -ErrorAction Continue
    if (-not $approval.Approved) {
        "Not approved ($($approval.Decision)); nothing was sent."
        return
    }
    "Approved on $($approval.DevicesNotified) device(s)."
}

# 2. A ring on the owner's phone (no -To), hung up again right away.
$ring = Start-ClawdTalkCall -Purpose 'The evening guest round starts now' -Force
$ring | Stop-ClawdTalkCall -Reason 'notice_only' -Force

# 3. Call every guest and wait for each call to end (a progress bar shows each call).
$calls = $Guest | Start-ClawdTalkCall -Greeting 'Good evening, this is Luigi''s.' -Purpose 'Confirm tonight''s booking' -Wait -Timeout 600 -Force
$calls

# 4. Text everyone who did not talk to us. A DirectCall carries its number in To, which binds to Send-ClawdTalkSms -To.
$missed = $calls | Where-Object { $_.Outcome -ne 'answered' }
$texts = $missed | Send-ClawdTalkSms -Message 'We tried to call about your booking tonight at 7. Reply YES to confirm or NO to cancel.' -Force -ErrorAction SilentlyContinue -ErrorVariable failed
$texts
foreach ($e in $failed) { "Could not text $($e.TargetObject): $($e.Exception.Message)" }

# 5. What the inbox looks like now.
Get-ClawdTalkConversation
Get-ClawdTalkMessage -Direction Outbound -First 5
"Round done: $(@($calls | Where-Object Outcome -eq 'answered').Count) answered, $(@($texts).Count) texted, $(@($failed).Count) unreachable."
