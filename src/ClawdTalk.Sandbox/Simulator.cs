using System.Globalization;

namespace ClawdTalk.Sandbox;

/// <summary>
/// How calls and texts play out: magic numbers, phase durations (virtual seconds, divided by the time scale),
/// and the step/run bookkeeping of scheduled events. Every method runs under the core lock.
/// </summary>
internal sealed class Simulator
{
    /// <summary>Virtual seconds of each phase.</summary>
    public const double DialSeconds = 1, RingSeconds = 10, TalkSeconds = 60, VoicemailSeconds = 20, SmsSendSeconds = 2;

    private readonly SandboxCore _core;

    public Simulator(SandboxCore core) => _core = core;

    private SandboxState S => _core.State;

    /// <summary>
    /// The outcome a call to <paramref name="to"/> gets, by its last four digits: 0001 no-answer, 0002 busy,
    /// 0003 voicemail, 0004 failed, 0005 no-answer on the first attempt to that number and answered later;
    /// anything else answered.
    /// </summary>
    public static string CallOutcome(string to, int attempt) => Formats.LastFour(to) switch
    {
        "0001" => "no-answer",
        "0002" => "busy",
        "0003" => "voicemail",
        "0004" => "failed",
        "0005" => attempt <= 1 ? "no-answer" : "answered",
        _ => "answered",
    };

    /// <summary>Insight score 1–10: the callee number's last digit plus one.</summary>
    public static int Score(string to) => to[^1] - '0' + 1;

    private int NextAttempt(string to)
    {
        S.Attempts.TryGetValue(to, out int n);
        S.Attempts[to] = ++n;
        return n;
    }

    // ---- scheduled events -------------------------------------------------------------------------

    public void Schedule(ScheduledEvent ev, long dueMs) => _core.Scheduler.At(dueMs, () => Begin(ev));

    private void Begin(ScheduledEvent ev)
    {
        if (ev.Status != "pending") return; // cancelled meanwhile
        string now = _core.Clock.NowIso();
        ev.Status = "in_progress";
        ev.StartedAt = ev.UpdatedAt = now;
        if (!ev.IsCall)
        {
            _core.Scheduler.At(_core.DueIn(SmsSendSeconds), () => FinishSms(ev));
            return;
        }
        ev.CallStatus = "ringing";
        string outcome = CallOutcome(ev.To, NextAttempt(ev.To));
        _core.Scheduler.At(_core.DueIn(RingSeconds), () => Connect(ev, outcome));
    }

    private void Connect(ScheduledEvent ev, string outcome)
    {
        if (outcome is "answered" or "voicemail")
        {
            ev.CallStatus = "in-progress";
            ev.UpdatedAt = _core.Clock.NowIso();
            double talk = outcome == "answered" ? TalkSeconds : VoicemailSeconds;
            _core.Scheduler.At(_core.DueIn(talk), () => Finish(ev, "completed", "completed", outcome, (int)talk));
        }
        else
        {
            Finish(ev, "failed", outcome, outcome, 0);
        }
    }

    private void Finish(ScheduledEvent ev, string status, string? callStatus, string? outcome, int? duration)
    {
        string now = _core.Clock.NowIso();
        ev.Status = status;
        ev.CallStatus = callStatus;
        ev.Outcome = outcome;
        ev.DurationSeconds = duration;
        ev.EndedAt = ev.UpdatedAt = now;
        if (ev.IsCall && status == "completed")
        {
            var conv = new Conversation { Id = S.NextId("conv"), EventId = ev.Id, To = ev.To, Outcome = outcome ?? "answered", CreatedAt = now };
            S.Conversations[conv.Id] = conv;
            ev.ConversationId = conv.Id;
        }
        Terminal(ev, finished: true);
    }

    private void FinishSms(ScheduledEvent ev)
    {
        bool failed = Formats.LastFour(ev.To) == "0004";
        S.Messages.Add(new Message
        {
            Id = S.NextId("msg"), Direction = "outbound", From = ev.From, To = ev.To, Body = ev.TextBody ?? "",
            Status = failed ? "failed" : "sent", CreatedAt = _core.Clock.NowIso(),
        });
        Finish(ev, failed ? "failed" : "completed", null, failed ? "failed" : "sent", null);
    }

    /// <summary>DELETE of a pending event: it stays listed as status failed, call_status canceled.</summary>
    public void Cancel(ScheduledEvent ev)
    {
        ev.Status = "failed";
        ev.CallStatus = ev.IsCall ? "canceled" : null;
        ev.Outcome = "canceled";
        ev.EndedAt = ev.UpdatedAt = _core.Clock.NowIso();
        Terminal(ev, finished: false);
    }

    /// <summary>
    /// An event became terminal. When it finished (not cancelled) and carries a step id, that step is completed;
    /// then the run succeeds once none of its scheduled events is open (unless the run is already terminal).
    /// </summary>
    private void Terminal(ScheduledEvent ev, bool finished)
    {
        if (ev.RunId is null || !S.Runs.TryGetValue(ev.RunId, out Run? run)) return;
        run.OpenScheduledEvents--;
        if (!finished || ev.StepId is null) return;
        string now = _core.Clock.NowIso();
        PlanStep? step = run.Plan?.Find(s => s.StepId == ev.StepId);
        if (step is not null)
        {
            step.Status = "completed";
            step.UpdatedAt = now;
        }
        if (run.OpenScheduledEvents == 0 && !run.IsTerminal)
        {
            run.Status = "succeeded";
            run.UpdatedAt = now;
        }
    }

    /// <summary>The summary insight of a conversation (what the insights endpoint serves once it is completed).</summary>
    public static string InsightSummary(Conversation conv) => conv.Outcome == "voicemail"
        ? $"Sandbox call to {conv.To} went to voicemail; a message was left."
        : $"Sandbox call to {conv.To} was answered and completed. Interest score {Score(conv.To)}/10.";

    public JsonObject Insights(Conversation conv)
    {
        conv.Reads++;
        bool done = conv.Reads > S.InsightPendingReads;
        var item = new JsonObject
        {
            ["id"] = "ins_" + conv.Id, ["conversation_id"] = conv.Id, ["status"] = done ? "completed" : "in_progress",
            ["created_at"] = conv.CreatedAt,
        };
        var insights = new JsonArray();
        if (done)
        {
            insights.Add(new JsonObject { ["name"] = "summary", ["result"] = InsightSummary(conv) });
            insights.Add(new JsonObject { ["name"] = "score", ["result"] = Score(conv.To).ToString(CultureInfo.InvariantCulture) });
        }
        item["conversation_insights"] = insights;
        return new JsonObject { ["data"] = new JsonArray(item) };
    }

    // ---- direct calls -----------------------------------------------------------------------------

    public Call StartCall(string to, string? greeting, string? purpose)
    {
        var call = new Call
        {
            Id = S.NextId("call"), Direction = "outbound", Status = "initiating", To = to, From = S.AccountNumber,
            Greeting = greeting, Purpose = purpose, PrivacyMode = to != S.OwnerPhone, CreatedAt = _core.Clock.NowIso(),
        };
        S.Calls[call.Id] = call;
        _core.Scheduler.At(_core.DueIn(DialSeconds), () => Ring(call));
        return call;
    }

    private void Ring(Call call)
    {
        if (call.Status != "initiating") return;
        call.Status = "ringing";
        call.PlannedOutcome = CallOutcome(call.To, NextAttempt(call.To));
        _core.Scheduler.At(_core.DueIn(RingSeconds), () => Answer(call));
    }

    private void Answer(Call call)
    {
        if (call.Status != "ringing") return;
        string outcome = call.PlannedOutcome;
        if (outcome is not ("answered" or "voicemail"))
        {
            EndCall(call, outcome, outcome, outcome);
            return;
        }
        call.Status = "in-progress";
        call.AnsweredAt = _core.Clock.NowIso();
        call.AnsweredMs = Formats.MonoMs();
        _core.Hub.SendEvent(new JsonObject { ["type"] = "event", ["event"] = "call.started", ["call_id"] = call.Id, ["direction"] = call.Direction });
        double talk = outcome == "answered" ? TalkSeconds : VoicemailSeconds;
        _core.Scheduler.At(_core.DueIn(talk), () => EndCall(call, "completed", outcome, "hangup", duration: (int)talk));
    }

    /// <summary>
    /// Ends a call (no-op when already ended) and, with <paramref name="send"/>, sends <c>call.ended</c>.
    /// The duration is the planned talk time when the call ran its course, else the virtual time since it was answered.
    /// </summary>
    public void EndCall(Call call, string status, string outcome, string reason, bool send = true, int? duration = null)
    {
        if (call.IsTerminal) return;
        call.Status = status;
        call.Outcome = outcome;
        call.Reason = reason;
        call.EndedAt = _core.Clock.NowIso();
        if (call.AnsweredAt is not null)
            call.DurationSeconds = duration ?? (int)Math.Round((Formats.MonoMs() - call.AnsweredMs) * _core.Options.TimeScale / 1000.0);
        if (outcome == "voicemail") call.VoicemailMessage = call.Greeting ?? "Sandbox voicemail message";
        if (send) _core.Hub.SendEvent(CallEndedFrame(call));
    }

    /// <summary>
    /// A simulated inbound call goes on while the agent answers: each frame of the agent naming it (context, greeting, a
    /// tool result) puts the caller's hang-up <see cref="Call.HangUpAfter"/> sandbox seconds after it; then the call
    /// completes and <c>call.ended</c> is sent, as when a real caller hangs up.
    /// </summary>
    public void KeepTalking(Call call)
    {
        if (call.IsTerminal || call.HangUpAfter is not double after) return;
        int spoken = ++call.Spoken;
        _core.Scheduler.At(_core.DueIn(after), () =>
        {
            if (call.Spoken == spoken && !call.IsTerminal) EndCall(call, "completed", "answered", "hangup");
        });
    }

    /// <summary>Ends a call on request (REST or control): a live call completes, one not yet answered is canceled.</summary>
    public void EndOnRequest(Call call, string reason)
    {
        if (call.IsTerminal) return;
        if (call.Status == "in-progress") EndCall(call, "completed", call.PlannedOutcome, reason);
        else EndCall(call, "canceled", "canceled", reason);
    }

    public static JsonObject CallEndedFrame(Call call) => new()
    {
        ["type"] = "event", ["event"] = "call.ended", ["call_id"] = call.Id, ["direction"] = call.Direction,
        ["duration_seconds"] = call.DurationSeconds, ["reason"] = call.Reason, ["outcome"] = call.Outcome,
        ["to_number"] = call.To, ["purpose"] = call.Purpose, ["greeting"] = call.Greeting,
        ["voicemail_message"] = call.VoicemailMessage,
    };

    // ---- approvals --------------------------------------------------------------------------------

    public void ScheduleExpiry(Approval a) => _core.Scheduler.At(_core.DueIn(a.ExpiresIn), () =>
    {
        if (a.Status != "pending") return;
        a.Status = "expired";
        a.RespondedAt = _core.Clock.NowIso();
    });
}
