using System;
using System.Net.Http;
using ClawdTalk.Api;
using ClawdTalk.Config;
using Newtonsoft.Json.Linq;

namespace ClawdTalk.Commands.Base
{
    /// <summary>A cmdlet that talks to the service: resolves the session's connection on first use and sends through the one pipeline.</summary>
    public abstract class ClawdTalkApiCmdlet : ClawdTalkCmdlet
    {
        ApiClient? _api;
        MissionsApi? _missions;
        AssistantsApi? _assistants;
        CommsApi? _comms;
        ApprovalsApi? _approvals;
        ScheduledEventsApi? _events;

        internal ApiClient Api => _api ??= Session.ClientFor(ConnectionResolver.Resolve(Session));

        // The endpoint clients (Api/), over this cmdlet's connection with -Verbose logging; they take no cmdlet, so a
        // call runs on the pump: Run(ct => Missions.GetRunAsync(mid, rid, ct)).
        internal MissionsApi Missions => _missions ??= new MissionsApi(Api, LogVerbose);
        internal AssistantsApi Assistants => _assistants ??= new AssistantsApi(Api, LogVerbose);
        internal CommsApi Comms => _comms ??= new CommsApi(Api, LogVerbose);
        internal ApprovalsApi Approvals => _approvals ??= new ApprovalsApi(Api, LogVerbose);
        internal ScheduledEventsApi ScheduledEvents => _events ??= new ScheduledEventsApi(Api, LogVerbose);
    }
}
