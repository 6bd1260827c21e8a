using System.Diagnostics;
using ClawdTalk.Numbers;

namespace ClawdTalk.Commands.Calls
{
    /// <summary>
    /// Places a direct call (`POST /calls`): to the owner's phone by default, or to an external number (privacy mode, paid plan).
    /// Billable: ShouldProcess with ConfirmImpact High, -Force. -Wait follows the call to its end with a progress bar.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "ClawdTalkCall", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DirectCall))]
    public sealed class StartClawdTalkCallCommand : ClawdTalkCmdlet
    {
        internal const int MaxTextLength = 2000;
        internal const int ProgressId = 0x4341; // "CA"

        /// <summary>The number to call, E.164 (`+12125550100`) or grouped (`+1 212-555-0100`). Omitted: the owner's phone.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PhoneNumber", "Number")]
        [ArgumentCompleter(typeof(ContactCompleter))]
        public string? To { get; set; }

        /// <summary>What the voice says first when the call is answered.</summary>
        [Parameter]
        public string? Greeting { get; set; }

        /// <summary>Why the call is made; the voice agent gets it as context.</summary>
        [Parameter]
        public string? Purpose { get; set; }

        /// <summary>Follows the call until it ends, with a progress bar, and returns its final state.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Seconds -Wait follows the call before it gives up (the call goes on).</summary>
        [Parameter]
        public int Timeout { get; set; } = 3600;

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Begin()
        {
            CheckText(Greeting, "Greeting", ErrorIds.InvalidGreeting);
            CheckText(Purpose, "Purpose", ErrorIds.InvalidPurpose);
            if (!Wait && MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)))
                throw Errors.Invalid(ErrorIds.TimeoutWithoutWait, "-Timeout only applies with -Wait.", Timeout);
            if (Wait && (Timeout <= 0 || Timeout > 86400))
                throw Errors.Invalid(ErrorIds.InvalidTimeout, $"-Timeout must be between 1 and 86400 seconds (got {Timeout}).", Timeout);
        }

        static void CheckText(string? value, string name, string errorId)
        {
            if (value == null) return;
            if (value.Trim().Length == 0) throw Errors.Invalid(errorId, $"-{name} is empty; leave it out instead.", value);
            if (value.Length > MaxTextLength) throw Errors.Invalid(errorId, $"-{name} has {value.Length} characters; at most {MaxTextLength} are allowed.", name);
        }

        protected override void Process()
        {
            // everything is checked before the request: a bad number sends nothing
            var to = To == null ? null : E164.Normalize(To, "number to call");
            var target = to ?? "the owner's phone";
            if (!Confirmed(Force, target, "Place a ClawdTalk call (billable)")) return;

            var call = Run(ct => Comms.StartCallAsync(to, Greeting, Purpose, target, ct));
            History.Call(call.CallId, $"{target} ({call.StatusText})");
            if (to != null) History.Contact(to, "called");
            WriteVerbose($"Call {call.CallId} to {target}: {call.StatusText}.");
            if (Wait) call = Follow(call, target);
            WriteObject(call);
        }

        CommsHistory History => Session.Feature(() => new CommsHistory());

        /// <summary>Polls the call until it ends or -Timeout passes; the poll interval grows from 0.25 s to 2 s and resets on a change.</summary>
        DirectCall Follow(DirectCall call, string target)
        {
            var progress = new WaitProgress(this, ProgressId, $"Call to {target}");
            var watch = Stopwatch.StartNew();
            var limit = TimeSpan.FromSeconds(Timeout);
            var interval = TimeSpan.FromMilliseconds(250);
            var outage = new ServiceOutage(ServiceOutage.GraceFrom(null), $"the call {call.CallId}", WriteWarning, WriteVerbose);
            try
            {
                while (!call.IsEnded)
                {
                    progress.Update($"{Describe(call)} · {WaitProgress.Elapsed(watch.Elapsed)}", secondsRemaining: (int)Math.Max(0, (limit - watch.Elapsed).TotalSeconds));
                    var left = limit - watch.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        WriteError(new ClawdTalkException(ErrorIds.CallWaitTimeout, ErrorCategory.OperationTimeout,
                            $"Call {call.CallId} was still {call.StatusText ?? "going"} after {Timeout} s; stopped waiting (the call goes on). Follow it with Get-ClawdTalkCall.", call.CallId));
                        break;
                    }
                    // the interval is service time: the sandbox's clock may run faster (its answers say how much)
                    var wait = outage.Next(Api.Connection.Real(interval));
                    Sleep(wait < left ? wait : left);
                    DirectCall next;
                    try
                    {
                        next = Run(ct => Comms.GetCallAsync(call.CallId, call.To, ct));
                        outage.Answered();
                    }
                    catch (ClawdTalkException ex) when (ServiceOutage.IsOutage(ex))
                    {
                        outage.Failed(ex); // a warning at once; after the grace period a terminating error with this ErrorId
                        continue;
                    }
                    catch (ClawdTalkException ex)
                    {
                        ex.Target ??= call.CallId;
                        WriteError(ex); // the last known state is still written
                        break;
                    }
                    interval = next.StatusText != call.StatusText ? TimeSpan.FromMilliseconds(250)
                        : TimeSpan.FromMilliseconds(Math.Min(2000, interval.TotalMilliseconds * 1.5));
                    if (next.StatusText != call.StatusText) WriteVerbose($"Call {call.CallId}: {next.StatusText}.");
                    call = next;
                }
            }
            finally
            {
                progress.Complete();
            }
            return call;
        }

        static string Describe(DirectCall c) => c.Status switch
        {
            DirectCallStatus.Initiating => "Dialing",
            DirectCallStatus.Ringing => "Ringing",
            DirectCallStatus.InProgress => "In progress",
            _ => c.StatusText ?? "Waiting",
        };
    }
}
