# Owner approvals: Request-/Get-ClawdTalkApproval answered through the sandbox's control endpoint; fail closed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -Connect
    function Receive-Answer([string] $Action, [string] $Decision) {
        # answers the pending request of $Action as the owner, from a thread job while the wait runs here
        Start-ThreadJob -ArgumentList $sb.Url, $Action, $Decision, $sb.ApiKey {
            param($url, $action, $decision, $key)
            $h = @{ Authorization = "Bearer $key" }
            for ($i = 0; $i -lt 100; $i++) {
                $p = (Invoke-RestMethod "$url/v1/approvals?status=pending" -Headers $h).approvals | Where-Object action -eq $action
                if ($p) { Invoke-RestMethod -Method POST "$url/_sandbox/approvals/$($p.request_id)/respond" -ContentType 'application/json' -Body (@{ decision = $decision } | ConvertTo-Json); return }
                Start-Sleep -Milliseconds 100
            }
        }
    }
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'Request-ClawdTalkApproval' {
    It 'returns <Decision> when the owner answers <Answer>' -ForEach @(
        @{ Answer = 'approved'; Decision = 'Approved'; Approved = $true }
        @{ Answer = 'denied'; Decision = 'Denied'; Approved = $false }
    ) {
        $action = "Pay invoice $([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $job = Receive-Answer $action $Answer
        $r = Request-ClawdTalkApproval -Action $action -Details 'Invoice 42' -Timeout 30
        $job | Wait-Job | Remove-Job
        $r.Decision | Should -Be $Decision
        $r.Approved | Should -Be $Approved
    }
    It 'fails closed when nobody answers in time' {
        $r = Request-ClawdTalkApproval -Action 'Nobody answers' -Timeout 1 -ErrorAction SilentlyContinue
        $r.Approved | Should -BeOfType [bool]   # a $null would pass -BeFalse
        $r.Approved | Should -BeFalse
        $r.Decision | Should -Be 'Timeout'
    }
    It 'fails closed when no device is registered' {
        $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/devices' -Body @{ count = 0 }
        try { $r = Request-ClawdTalkApproval -Action 'No device' -Timeout 5 -ErrorAction SilentlyContinue }
        finally { $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/devices' -Body @{ count = 1 } }
        $r.Approved | Should -BeOfType [bool]   # a $null would pass -BeFalse
        $r.Approved | Should -BeFalse
    }
    It 'with -NoWait returns the pending request, which Get-ClawdTalkApproval reads' {
        $r = Request-ClawdTalkApproval -Action 'Later' -NoWait
        $r.RequestId | Should -Match '^apr_'
        (Get-ClawdTalkApproval -RequestId $r.RequestId).Status | Should -Be 'Pending'
        ($r | Get-ClawdTalkApproval).RequestId | Should -Be $r.RequestId
        (Get-ClawdTalkApproval -Status Pending).RequestId | Should -Contain $r.RequestId
    }
}
