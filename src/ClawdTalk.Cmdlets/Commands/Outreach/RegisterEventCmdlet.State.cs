using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ClawdTalk.Api;
using ClawdTalk.Commands.Base;
using ClawdTalk.Commands.Calls;
using ClawdTalk.Commands.Missions;
using ClawdTalk.Completers;
using ClawdTalk.Missions;
using ClawdTalk.ScheduledEvents;
using ClawdTalk.Phones;
using ClawdTalk.State;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Outreach
{
    /// <summary>Register-ClawdTalkCall/-Sms: what one invocation keeps per run, per assistant and per target.</summary>
    public abstract partial class RegisterEventCmdlet
    {
        // ---- state of one invocation ----

        sealed class RunContext
        {
            public MissionTarget T = null!;
            public string? DefaultAssistant, DefaultFrom;
            public string[] StepIds = Array.Empty<string>();
            public bool Active = true;
            /// <summary>A text scheduled without a mission (-AssistantId and -From only).</summary>
            public bool NoMission;
            public List<JObject> Records = new List<JObject>();
            /// <summary>The plan step its events belong to (-StepId, else StepPlacement's), null for none.</summary>
            public string? StepId;
            /// <summary>The run opened again (if the service had closed it) before its first request.</summary>
            public Task? Opening;
            /// <summary>What the run already has, by target (channel, number, step, text): from memory, then from each assistant's list.</summary>
            public readonly Dictionary<string, ScheduledEvent> Existing = new Dictionary<string, ScheduledEvent>(StringComparer.Ordinal);
            public readonly Dictionary<string, string> KeyOf = new Dictionary<string, string>(StringComparer.Ordinal);
            public readonly HashSet<string> LoadedAssistants = new HashSet<string>(StringComparer.Ordinal);
        }

        sealed class AssistantInfo
        {
            public string Id = "";
            public ClawdTalkException? Failure;
            public IReadOnlyList<JObject> Listed = Array.Empty<JObject>();
            public readonly HashSet<string> Known = new HashSet<string>(StringComparer.Ordinal);
        }

        sealed class Plan
        {
            public OutreachTarget Target = null!;
            public RunContext Ctx = null!;
            public AssistantInfo Assistant = null!;
            public string From = "";
            public DateTimeOffset At;
            /// <summary>The time the confirmation showed (before a late request moved it).</summary>
            public DateTimeOffset Shown;
            /// <summary>How long the confirmation prompt took to be answered.</summary>
            public TimeSpan Asked;
            public bool Flexible;
            public string? Zone, Window, Text;
            public RecipientType? RecipientType;
            /// <summary>Its place in the output (input order).</summary>
            public int Index;
        }
    }
}
