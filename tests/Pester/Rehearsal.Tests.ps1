# A rehearsal on the sandbox at 60x tells one story in one clock: what the timeline says (scheduled at T, retry scheduled
# for T), the events' ScheduledAt, StartedAt and EndedAt, and how long each call lasted all agree, as they would against the
# real service. The sandbox's clock runs 60 times faster than real time; the module follows it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:testHome = Initialize-TestSession
    $script:sb = Start-TestSandbox -TimeScale 60 -Connect
    $null = Invoke-TestSandbox -Sandbox $sb -Method POST -Path '/_sandbox/numbers' -Body @{ count = 1 }
    $script:m = Initialize-ClawdTalkMission -Name 'Rehearsal clock' -Instructions 'Ask for a quote.' -Request 'Quotes' -Step calls |
        Add-ClawdTalkAgent -Instructions 'Ask for a quote, then hang up.'
    $script:done = @(
        [pscustomobject]@{ Name = 'Ada Plumbing'; Phone = '+1 212 555 0142' }   # answers
        [pscustomobject]@{ Name = 'Brook Pipes'; Phone = '+1 212 555 0005' }    # no answer, then answers the retry
        [pscustomobject]@{ Name = 'Drain Kings'; Phone = '+1 212 555 0002' }    # busy, twice
    ) | Register-ClawdTalkCall -Slug $m.Slug -StepId calls -Force | Wait-ClawdTalkEvent -MaxAttempts 2 -RetryDelay (New-TimeSpan -Minutes 10) -Force
    $script:events = @(Get-ClawdTalkScheduledEvent -Slug $m.Slug)
    $script:timeline = @(Get-ClawdTalkEvent -Slug $m.Slug)
    $script:clock = Invoke-TestSandbox -Sandbox $sb -Path '/_sandbox/clock'
    function script:Time([string] $text) { [datetimeoffset]::ParseExact($text, "yyyy-MM-dd HH:mm:ss'Z'", [cultureinfo]::InvariantCulture, 'AssumeUniversal') }
}
AfterAll { $sb | Stop-TestSandbox }

Describe 'A rehearsal at 60x' {
    It 'made five calls: three first attempts, two retries' {
        $events.Count | Should -Be 5
        @($events | Where-Object Attempt -eq 2).Count | Should -Be 2
        @($done | Where-Object OutcomeGroup -eq 'Reached').Name | Sort-Object | Should -Be @('Ada Plumbing', 'Brook Pipes')
        ($done | Where-Object Name -eq 'Drain Kings').OutcomeGroup | Should -Be 'NotReached'
    }

    It 'never starts a call before its time, and each ends after it starts' {
        foreach ($e in $events) {
            $e.StartedAt | Should -BeGreaterOrEqual $e.ScheduledAt -Because "$($e.EventId) to $($e.Name) started at $($e.StartedAt.ToString('o')), scheduled for $($e.ScheduledAt.ToString('o'))"
            $e.EndedAt | Should -BeGreaterOrEqual $e.StartedAt
        }
    }

    It 'lasts as long between its timestamps as the call took: ten seconds ringing, a minute of talk' {
        foreach ($e in $events | Where-Object State -eq 'answered') {
            $e.DurationSeconds | Should -Be 60
            ($e.EndedAt - $e.StartedAt).TotalSeconds | Should -BeGreaterOrEqual 70
            # late only by the sandbox's 20 ms ticker and the machine's load: a few real seconds at most, times 60
            ($e.EndedAt - $e.StartedAt).TotalSeconds | Should -BeLessThan (70 + 5 * 60)
        }
        foreach ($e in $events | Where-Object State -eq 'busy') { ($e.EndedAt - $e.StartedAt).TotalSeconds | Should -BeGreaterOrEqual 10 }
    }

    It 'places a retry after its first attempt ended, by the retry delay' {
        foreach ($retry in $events | Where-Object Attempt -eq 2) {
            $first = $events | Where-Object { $_.To -eq $retry.To -and $_.Attempt -eq 1 }
            $retry.ScheduledAt | Should -BeGreaterThan $first.ScheduledAt
            $retry.ScheduledAt | Should -BeGreaterOrEqual $first.EndedAt.AddMinutes(10).AddSeconds(-1)
            $retry.StartedAt | Should -BeGreaterOrEqual $retry.ScheduledAt
        }
    }

    It 'says on the timeline the times the events hold' {
        foreach ($e in $events | Where-Object Attempt -eq 1) {
            $said = $timeline | Where-Object Summary -like "Scheduled a call to $($e.To) ($($e.Name)) at *"
            $said | Should -Not -BeNullOrEmpty -Because "the timeline logs the call to $($e.Name)"
            (Time ($said.Summary -replace '^.* at (\S+ \S+Z).*$', '$1')) | Should -Be $e.ScheduledAt
            # logged when it was scheduled: before it ran
            $said.CreatedAt | Should -BeLessThan $e.StartedAt
        }
        foreach ($retry in $events | Where-Object Attempt -eq 2) {
            $said = $timeline | Where-Object Summary -like "Call to $($retry.To) ($($retry.Name)) not reached (*); retry 1 scheduled for *"
            $said | Should -Not -BeNullOrEmpty -Because "the timeline logs the retry of $($retry.Name)"
            (Time ($said.Summary -replace '^.*retry 1 scheduled for (\S+ \S+Z).*$', '$1')) | Should -Be $retry.ScheduledAt
            $said.CreatedAt | Should -BeLessThan $retry.StartedAt
        }
        foreach ($e in $events | Where-Object OutcomeGroup -eq 'Reached') {
            $said = $timeline | Where-Object Summary -like "Call to $($e.To) ($($e.Name)) answered*"
            $said | Should -Not -BeNullOrEmpty
            $said.CreatedAt | Should -BeGreaterOrEqual $e.EndedAt -Because 'an outcome is logged once the call has ended'
        }
    }

    It 'keeps every time on the sandbox clock, none ahead of it' {
        # (Invoke-RestMethod reads an ISO time as a [datetime] already: kept whole, milliseconds included)
        $now = if ($clock.now -is [datetime]) { [datetimeoffset] $clock.now.ToUniversalTime() } else { [datetimeoffset]::Parse($clock.now, [cultureinfo]::InvariantCulture) }
        foreach ($e in $events) { $e.EndedAt | Should -BeLessOrEqual $now }
        foreach ($t in $timeline) { $t.CreatedAt | Should -BeLessOrEqual $now }
    }
}
