namespace ClawdTalk.Api
{
    /// <summary>
    /// Every ErrorId the module reports or compares against, one constant each (the README's table is the public list):
    /// no ErrorId is written as a string literal anywhere else (ErrorIdLiteralTests scans for them). A 404 is named after
    /// the resource a request asked for (<see cref="NotFoundOf"/>), so those constants must match the resource names the
    /// endpoint clients pass.
    /// </summary>
    internal static class ErrorIds
    {
        /// <summary>The ErrorId of a 404 for a resource (`Mission` gives MissionNotFound).</summary>
        public static string NotFoundOf(string? resource) => (resource ?? "Resource") + "NotFound";

        // transport and status (ApiClient)
        /// <summary>The service could not be reached (DNS, refused, TLS, dropped).</summary>
        public const string ServerUnreachable = "ServerUnreachable";
        /// <summary>The request timed out (408, or no answer in time).</summary>
        public const string RequestTimeout = "RequestTimeout";
        /// <summary>The service answered 5xx.</summary>
        public const string ServerError = "ServerError";
        /// <summary>The service answered a 4xx the module has no name for.</summary>
        public const string ApiError = "ApiError";
        /// <summary>The service answered 400: it rejected the request.</summary>
        public const string BadRequest = "BadRequest";
        /// <summary>The service answered 429.</summary>
        public const string RateLimited = "RateLimited";
        /// <summary>The service answered 409.</summary>
        public const string Conflict = "Conflict";
        /// <summary>The service answered 422: it rejected a field.</summary>
        public const string ValidationFailed = "ValidationFailed";
        /// <summary>The service could not send a text (error code `message_failed`/`sms_failed`): its failure, not bad input.</summary>
        public const string MessageFailed = "MessageFailed";
        /// <summary>The service could not place a call (error code `call_failed`).</summary>
        public const string CallFailed = "CallFailed";
        /// <summary>The service reports another `*_failed` error code.</summary>
        public const string ServiceFailed = "ServiceFailed";
        /// <summary>The account's plan does not allow it (402, or 403 naming the plan).</summary>
        public const string PaidPlanRequired = "PaidPlanRequired";
        /// <summary>A create or billable request whose answer was lost: it may or may not have reached the service.</summary>
        public const string RequestOutcomeUnknown = "RequestOutcomeUnknown";
        /// <summary>The service's answer is not the JSON the contract describes.</summary>
        public const string InvalidServerResponse = "InvalidServerResponse";
        /// <summary>The service's answer is larger than the module reads.</summary>
        public const string ResponseTooLarge = "ResponseTooLarge";
        /// <summary>The service rejected the API key (401).</summary>
        public const string ApiUnauthorized = "ApiUnauthorized";
        /// <summary>The service refused the request (403).</summary>
        public const string ApiForbidden = "ApiForbidden";

        // the connection's configuration (ConnectionResolver, ConfigStore, Connect/Set-ClawdTalkConfiguration, the published client)
        /// <summary>A plain http:// server that is not this machine.</summary>
        public const string InsecureServer = "InsecureServer";
        /// <summary>The server URL is not an absolute http(s) URL.</summary>
        public const string InvalidServerUrl = "InvalidServerUrl";
        /// <summary>The configuration file holds something the module cannot use.</summary>
        public const string ConfigInvalid = "ConfigInvalid";
        /// <summary>The configuration file cannot be read.</summary>
        public const string ConfigUnreadable = "ConfigUnreadable";
        /// <summary>The configuration names an environment variable or secret that is not set.</summary>
        public const string ConfigReferenceUnset = "ConfigReferenceUnset";
        /// <summary>Two parameters that exclude each other were both given.</summary>
        public const string ConflictingParameters = "ConflictingParameters";
        /// <summary>A secret is asked for but Microsoft.PowerShell.SecretManagement is not installed.</summary>
        public const string SecretManagementNotAvailable = "SecretManagementNotAvailable";
        /// <summary>The named secret is not in the vault.</summary>
        public const string SecretNotFound = "SecretNotFound";
        /// <summary>An API key with spaces or control characters.</summary>
        public const string InvalidApiKey = "InvalidApiKey";
        /// <summary>A gateway token with spaces or control characters.</summary>
        public const string InvalidGatewayToken = "InvalidGatewayToken";
        /// <summary>A setting of the published client's configuration is not text.</summary>
        public const string InvalidConfiguration = "InvalidConfiguration";

        // 404 by resource (NotFoundOf)
        /// <summary>No such mission.</summary>
        public const string MissionNotFound = "MissionNotFound";
        /// <summary>No such run.</summary>
        public const string RunNotFound = "RunNotFound";
        /// <summary>The run has no plan.</summary>
        public const string PlanNotFound = "PlanNotFound";
        /// <summary>No such assistant.</summary>
        public const string AssistantNotFound = "AssistantNotFound";
        /// <summary>No such scheduled event.</summary>
        public const string ScheduledEventNotFound = "ScheduledEventNotFound";
        /// <summary>No such phone number on the account.</summary>
        public const string PhoneNumberNotFound = "PhoneNumberNotFound";

        // the module's own
        /// <summary>No API key is configured.</summary>
        public const string NoApiKey = "NoApiKey";
        /// <summary>The state file is locked by another process for too long.</summary>
        public const string StateLocked = "StateLocked";
        /// <summary>The scheduled event has already run or been cancelled.</summary>
        public const string EventNotCancellable = "EventNotCancellable";
        /// <summary>A wait ran out of time.</summary>
        public const string WaitTimeout = "WaitTimeout";
        /// <summary>A value built from PowerShell objects is nested more than 64 levels deep.</summary>
        public const string ValueTooDeep = "ValueTooDeep";
        /// <summary>User-given JSON text does not parse.</summary>
        public const string InvalidJson = "InvalidJson";
        /// <summary>A file exists and -NoClobber keeps it.</summary>
        public const string NoClobber = "NoClobber";
        /// <summary>A file to replace is read-only and -Force was not given.</summary>
        public const string FileReadOnly = "FileReadOnly";

        // the boundary: outside data validated where it enters, refused where it would reach a sink (Boundary/)
        /// <summary>A text holds control characters where none are allowed.</summary>
        public const string ControlCharacterInText = "ControlCharacterInText";
        /// <summary>A text is longer than its field allows.</summary>
        public const string TextTooLong = "TextTooLong";
        /// <summary>A mission slug that is not lower-case letters, digits and dashes.</summary>
        public const string InvalidSlug = "InvalidSlug";
        /// <summary>An id with characters no service id has.</summary>
        public const string InvalidId = "InvalidId";
        /// <summary>A value that would change the meaning of a cron line, unit file, file name or command line.</summary>
        public const string UnsafeSinkValue = "UnsafeSinkValue";
        /// <summary>A file the module reads or writes is a symbolic link.</summary>
        public const string FileIsSymbolicLink = "FileIsSymbolicLink";
        /// <summary>A file is larger than the module reads.</summary>
        public const string FileTooLarge = "FileTooLarge";
        /// <summary>A phone number that is not a valid E.164 number.</summary>
        public const string InvalidPhoneNumber = "InvalidPhoneNumber";

        // the state store (State/)
        /// <summary>The state file is not the JSON the module writes.</summary>
        public const string StateFileInvalid = "StateFileInvalid";
        /// <summary>An entry of the state file is not usable.</summary>
        public const string StateEntryInvalid = "StateEntryInvalid";
        /// <summary>The state file cannot be read.</summary>
        public const string StateFileUnreadable = "StateFileUnreadable";
        /// <summary>A state file to import does not exist.</summary>
        public const string StateFileNotFound = "StateFileNotFound";
        /// <summary>The state store holds no mission by that slug.</summary>
        public const string MissionStateNotFound = "MissionStateNotFound";
        /// <summary>An imported mission collides with a different one already stored.</summary>
        public const string MissionStateConflict = "MissionStateConflict";

        // scheduling (ScheduledEventsApi, Register-ClawdTalkCall/-Sms)
        /// <summary>A schedule time that cannot be read.</summary>
        public const string InvalidScheduleTime = "InvalidScheduleTime";
        /// <summary>A schedule time further ahead than the service accepts.</summary>
        public const string ScheduleTooFar = "ScheduleTooFar";
        /// <summary>A schedule time less than a minute ahead when its request goes out.</summary>
        public const string ScheduleTooSoon = "ScheduleTooSoon";
        /// <summary>A schedule answer was lost and the assistant's events could not be read to see whether it landed.</summary>
        public const string ScheduleOutcomeUnknown = "ScheduleOutcomeUnknown";
        /// <summary>The run has ended: nothing more is scheduled for it.</summary>
        public const string RunEnded = "RunEnded";

        // missions, runs, plans and steps (Commands/Missions, Commands/Steps, Commands/State)
        /// <summary>The mission has already ended (without -Force).</summary>
        public const string MissionAlreadyEnded = "MissionAlreadyEnded";
        /// <summary>The mission has no entry in the state store yet.</summary>
        public const string MissionNotInitialized = "MissionNotInitialized";
        /// <summary>No mission of the state store has the run asked for.</summary>
        public const string RunNotKnown = "RunNotKnown";
        /// <summary>Set-ClawdTalkRun was given nothing to change.</summary>
        public const string NoChange = "NoChange";
        /// <summary>A plan step that is empty or malformed.</summary>
        public const string InvalidStep = "InvalidStep";
        /// <summary>The step is not in the run's plan.</summary>
        public const string StepNotInPlan = "StepNotInPlan";
        /// <summary>-Input is not a JSON object.</summary>
        public const string InvalidInputJson = "InvalidInputJson";
        /// <summary>-Context is not valid JSON.</summary>
        public const string InvalidContextJson = "InvalidContextJson";
        /// <summary>-Payload is not valid JSON.</summary>
        public const string InvalidPayloadJson = "InvalidPayloadJson";
        /// <summary>A memory value is not valid JSON.</summary>
        public const string InvalidMemoryJson = "InvalidMemoryJson";
        /// <summary>The mission's memory has no such key.</summary>
        public const string MemoryKeyNotFound = "MemoryKeyNotFound";
        /// <summary>An empty -ConversationId.</summary>
        public const string InvalidConversationId = "InvalidConversationId";
        /// <summary>A -PollInterval under 0.1 s.</summary>
        public const string InvalidPollInterval = "InvalidPollInterval";
        /// <summary>The report's folder does not exist.</summary>
        public const string ReportFolderNotFound = "ReportFolderNotFound";
        /// <summary>The report's -Path is a folder.</summary>
        public const string ReportPathIsFolder = "ReportPathIsFolder";

        // agents, assistants and numbers (Commands/Agents, Commands/Assistants, Commands/Numbers)
        /// <summary>The service accepted an agent link that the run's linked agents then do not list.</summary>
        public const string AgentLinkNotVerified = "AgentLinkNotVerified";
        /// <summary>The account has no dedicated number for outbound calls.</summary>
        public const string NoPhoneNumberAvailable = "NoPhoneNumberAvailable";
        /// <summary>An assistant field longer than the service accepts.</summary>
        public const string AssistantFieldTooLong = "AssistantFieldTooLong";
        /// <summary>An assistant feature the service does not know.</summary>
        public const string InvalidAssistantFeature = "InvalidAssistantFeature";
        /// <summary>An assistant tool that is empty or has no type.</summary>
        public const string InvalidAssistantTool = "InvalidAssistantTool";
        /// <summary>A -Property entry with an empty or unknown field name.</summary>
        public const string InvalidProperty = "InvalidProperty";
        /// <summary>Set-ClawdTalkAssistant was given no field to change.</summary>
        public const string NothingToChange = "NothingToChange";
        /// <summary>Set-ClawdTalkPhoneNumber needs -AssistantId or -ConnectionId.</summary>
        public const string AssignmentTargetRequired = "AssignmentTargetRequired";
        /// <summary>The assistant has no connection a number could be assigned to.</summary>
        public const string AssistantConnectionMissing = "AssistantConnectionMissing";
        /// <summary>The number is assigned to something else (without -Force).</summary>
        public const string PhoneNumberInUse = "PhoneNumberInUse";

        // calls, texts and approvals (Commands/Calls, Commands/Sms, Commands/Approvals)
        /// <summary>-Timeout given without -Wait.</summary>
        public const string TimeoutWithoutWait = "TimeoutWithoutWait";
        /// <summary>A call still going when Start-ClawdTalkCall -Wait stopped waiting.</summary>
        public const string CallWaitTimeout = "CallWaitTimeout";
        /// <summary>A greeting with characters or a length the service refuses.</summary>
        public const string InvalidGreeting = "InvalidGreeting";
        /// <summary>A purpose with characters or a length the service refuses.</summary>
        public const string InvalidPurpose = "InvalidPurpose";
        /// <summary>An empty text message.</summary>
        public const string EmptyMessage = "EmptyMessage";
        /// <summary>A text message longer than the service sends.</summary>
        public const string MessageTooLong = "MessageTooLong";
        /// <summary>A media URL that is not absolute http(s).</summary>
        public const string InvalidMediaUrl = "InvalidMediaUrl";
        /// <summary>More media URLs than a text carries.</summary>
        public const string TooManyMediaUrls = "TooManyMediaUrls";
        /// <summary>The service answered a text with an error and no message.</summary>
        public const string SmsFailed = "SmsFailed";
        /// <summary>An empty approval -Action.</summary>
        public const string EmptyAction = "EmptyAction";
        /// <summary>An approval -Action over 1000 characters.</summary>
        public const string ActionTooLong = "ActionTooLong";
        /// <summary>An approval -Timeout out of range.</summary>
        public const string InvalidTimeout = "InvalidTimeout";
        /// <summary>A -Status filter that is not an approval status.</summary>
        public const string InvalidApprovalStatus = "InvalidApprovalStatus";
        /// <summary>The service answered an approval with a status the module does not know.</summary>
        public const string ApprovalStatusUnknown = "ApprovalStatusUnknown";
        /// <summary>An approval that could not be requested or read.</summary>
        public const string ApprovalFailed = "ApprovalFailed";
        /// <summary>The owner denied the approval.</summary>
        public const string ApprovalDenied = "ApprovalDenied";
        /// <summary>The owner did not answer the approval in time.</summary>
        public const string ApprovalTimeout = "ApprovalTimeout";
        /// <summary>The owner has no device to approve on.</summary>
        public const string ApprovalNoDevices = "ApprovalNoDevices";
        /// <summary>None of the owner's devices could be reached.</summary>
        public const string ApprovalNoDevicesReached = "ApprovalNoDevicesReached";

        // the bridge and its service (Bridge/, Commands/Bridge)
        /// <summary>A bridge for this key already runs.</summary>
        public const string BridgeAlreadyRunning = "BridgeAlreadyRunning";
        /// <summary>The service refused the bridge's credentials.</summary>
        public const string BridgeAuthFailed = "BridgeAuthFailed";
        /// <summary>The bridge's WebSocket could not connect.</summary>
        public const string BridgeConnectFailed = "BridgeConnectFailed";
        /// <summary>The service refused the bridge's connection.</summary>
        public const string BridgeConnectRefused = "BridgeConnectRefused";
        /// <summary>The service rate-limited the bridge's connection.</summary>
        public const string BridgeRateLimited = "BridgeRateLimited";
        /// <summary>The bridge's connection dropped.</summary>
        public const string BridgeConnectionLost = "BridgeConnectionLost";
        /// <summary>Another client with the same API key took over the connection (close code 4000).</summary>
        public const string BridgeReplaced = "BridgeReplaced";
        /// <summary>Another bridge with the same key is connected.</summary>
        public const string BridgeDuplicateClient = "BridgeDuplicateClient";
        /// <summary>A request handler of the bridge failed.</summary>
        public const string BridgeHandlerFailed = "BridgeHandlerFailed";
        /// <summary>The bridge's process could not be started.</summary>
        public const string BridgeLaunchFailed = "BridgeLaunchFailed";
        /// <summary>A detached bridge exited before it connected.</summary>
        public const string BridgeDetachedFailed = "BridgeDetachedFailed";
        /// <summary>A bridge did not stop in time.</summary>
        public const string BridgeStopTimeout = "BridgeStopTimeout";
        /// <summary>A bridge did not restart in time.</summary>
        public const string BridgeRestartTimeout = "BridgeRestartTimeout";
        /// <summary>A bridge of another session cannot be restarted from here.</summary>
        public const string BridgeRestartUnsupported = "BridgeRestartUnsupported";
        /// <summary>No bridge by that name or process.</summary>
        public const string BridgeNotFound = "BridgeNotFound";
        /// <summary>A bridge service unit by that name exists already.</summary>
        public const string BridgeServiceExists = "BridgeServiceExists";
        /// <summary>The bridge's environment file does not exist.</summary>
        public const string EnvironmentFileNotFound = "EnvironmentFileNotFound";
        /// <summary>The bridge's log file cannot be written.</summary>
        public const string InvalidLogPath = "InvalidLogPath";
        /// <summary>An approval word that is empty or not one word.</summary>
        public const string InvalidApprovalWord = "InvalidApprovalWord";

        // the agent gateway (Bridge/GatewayClient, Gateway/)
        /// <summary>A plain ws:// gateway that is not this machine.</summary>
        public const string InsecureGateway = "InsecureGateway";
        /// <summary>The gateway URL is not an absolute ws(s)/http(s) URL.</summary>
        public const string InvalidGatewayUrl = "InvalidGatewayUrl";
        /// <summary>The gateway rejected the token.</summary>
        public const string GatewayUnauthorized = "GatewayUnauthorized";
        /// <summary>The gateway does not allow the sessions_send tool.</summary>
        public const string GatewayToolNotAllowed = "GatewayToolNotAllowed";
        /// <summary>The gateway could not be reached.</summary>
        public const string GatewayUnreachable = "GatewayUnreachable";
        /// <summary>The gateway did not answer in time.</summary>
        public const string GatewayTimeout = "GatewayTimeout";
        /// <summary>The gateway answered an HTTP error.</summary>
        public const string GatewayError = "GatewayError";
        /// <summary>The gateway's answer is not what its API describes.</summary>
        public const string GatewayInvalidResponse = "GatewayInvalidResponse";
        /// <summary>The OpenClaw configuration file does not exist.</summary>
        public const string GatewayConfigNotFound = "GatewayConfigNotFound";
        /// <summary>The OpenClaw configuration file cannot be read.</summary>
        public const string GatewayConfigUnreadable = "GatewayConfigUnreadable";
        /// <summary>The OpenClaw configuration file is not valid JSON5.</summary>
        public const string GatewayConfigInvalid = "GatewayConfigInvalid";
        /// <summary>A key of the OpenClaw configuration holds something other than expected.</summary>
        public const string GatewayConfigUnexpected = "GatewayConfigUnexpected";
        /// <summary>The OpenClaw configuration changed while it was being edited.</summary>
        public const string GatewayConfigChanged = "GatewayConfigChanged";
        /// <summary>An edit of the OpenClaw configuration did not read back as written.</summary>
        public const string GatewayConfigEditFailed = "GatewayConfigEditFailed";

        // the skill (Skill/, Commands/Skill)
        /// <summary>The skill package folder does not exist.</summary>
        public const string SkillPackageNotFound = "SkillPackageNotFound";
        /// <summary>The skill package is not complete or not readable.</summary>
        public const string SkillPackageInvalid = "SkillPackageInvalid";
        /// <summary>The published client's files were not found.</summary>
        public const string PublishedClientNotFound = "PublishedClientNotFound";

        // scheduled events: targets, times and options (ScheduledEvents/, Commands/ScheduledEvents)
        /// <summary>A scheduled call was given without its mission run.</summary>
        public const string MissionRequired = "MissionRequired";
        /// <summary>-StepId was given without a mission run.</summary>
        public const string StepWithoutMission = "StepWithoutMission";
        /// <summary>A text without a mission has no number to send it from.</summary>
        public const string NoCallerNumber = "NoCallerNumber";
        /// <summary>-Weekday was given without -TimeWindow.</summary>
        public const string WeekdayWithoutTimeWindow = "WeekdayWithoutTimeWindow";
        /// <summary>The mission run is no longer active, so nothing is scheduled for it.</summary>
        public const string MissionNotActive = "MissionNotActive";
        /// <summary>The call needs an assistant and neither the mission nor the caller gave one.</summary>
        public const string AssistantRequired = "AssistantRequired";
        /// <summary>An event of a mission without an assistant needs -AssistantId.</summary>
        public const string AssistantIdRequired = "AssistantIdRequired";
        /// <summary>The event belongs to another mission than the one given.</summary>
        public const string EventNotOfMission = "EventNotOfMission";
        /// <summary>A target is empty or unreadable.</summary>
        public const string InvalidTarget = "InvalidTarget";
        /// <summary>A target's recipient type is not one the service knows.</summary>
        public const string InvalidRecipientType = "InvalidRecipientType";
        /// <summary>A message template names a variable the target does not have.</summary>
        public const string UnknownTemplateVariable = "UnknownTemplateVariable";
        /// <summary>The exclude list file does not exist.</summary>
        public const string ExcludeListNotFound = "ExcludeListNotFound";
        /// <summary>The exclude list file cannot be read.</summary>
        public const string ExcludeListUnreadable = "ExcludeListUnreadable";
        /// <summary>The time window cannot be read.</summary>
        public const string InvalidTimeWindow = "InvalidTimeWindow";
        /// <summary>The time window contains no time at which a call could be placed.</summary>
        public const string EmptyTimeWindow = "EmptyTimeWindow";
        /// <summary>The time zone id is not known on this system.</summary>
        public const string UnknownTimeZone = "UnknownTimeZone";
        /// <summary>The time to schedule at is in the past.</summary>
        public const string ScheduleInPast = "ScheduleInPast";
        /// <summary>-Stagger is outside 0 to one day.</summary>
        public const string InvalidStagger = "InvalidStagger";
        /// <summary>Another process is scheduling the same target right now.</summary>
        public const string TargetBeingScheduled = "TargetBeingScheduled";
        /// <summary>Scheduling a target failed for a reason the service did not name.</summary>
        public const string ScheduleFailed = "ScheduleFailed";
        /// <summary>The input is not a scheduled event or its id.</summary>
        public const string InvalidScheduledEvent = "InvalidScheduledEvent";
        /// <summary>-RetryDelay is outside 1 minute to 7 days.</summary>
        public const string InvalidRetryDelay = "InvalidRetryDelay";
        /// <summary>-RetryDelay was given without -RetryPolicy or -MaxAttempts.</summary>
        public const string RetryDelayWithoutRetries = "RetryDelayWithoutRetries";
        /// <summary>-UnreachableTimeout is not positive.</summary>
        public const string InvalidUnreachableTimeout = "InvalidUnreachableTimeout";
        /// <summary>The retry of an unanswered event could not be scheduled.</summary>
        public const string RetryNotScheduled = "RetryNotScheduled";

        // missions: input the module reads (Missions/, Commands/Missions)
        /// <summary>The mission name is empty or cannot be made a slug.</summary>
        public const string InvalidMissionName = "InvalidMissionName";
        /// <summary>Another mission already holds the slug this name makes.</summary>
        public const string MissionSlugCollision = "MissionSlugCollision";
        /// <summary>The mission's plan on the service differs from the steps given.</summary>
        public const string MissionPlanMismatch = "MissionPlanMismatch";
        /// <summary>A step id is given twice in one plan.</summary>
        public const string DuplicateStepId = "DuplicateStepId";
        /// <summary>The run event type is not one the service knows.</summary>
        public const string InvalidEventType = "InvalidEventType";
        /// <summary>The run status is not one the service knows.</summary>
        public const string InvalidRunStatus = "InvalidRunStatus";
        /// <summary>The step status is not one the service knows.</summary>
        public const string InvalidStepStatus = "InvalidStepStatus";
        /// <summary>The conversation insights were not ready within the timeout.</summary>
        public const string InsightTimeout = "InsightTimeout";

        // pollers (Pollers/, Commands/Pollers)
        /// <summary>No poller matches the slug given.</summary>
        public const string PollerNotFound = "PollerNotFound";
        /// <summary>The platform's scheduler (cron, systemd, launchd, Task Scheduler) is not available.</summary>
        public const string PollerSchedulerUnavailable = "PollerSchedulerUnavailable";
        /// <summary>The platform's scheduler did not keep the poller.</summary>
        public const string PollerSchedulerFailed = "PollerSchedulerFailed";
        /// <summary>The program the poller would run does not exist.</summary>
        public const string PollerHostNotFound = "PollerHostNotFound";
        /// <summary>The program the poller would run cannot be used.</summary>
        public const string InvalidPollerHost = "InvalidPollerHost";
        /// <summary>-NotifyEachCall was given without -NotifyAgent.</summary>
        public const string NotifyEachCallNeedsNotifyAgent = "NotifyEachCallNeedsNotifyAgent";

        // the bridge's start (Bridge/BridgeStartRequest, Bridge/BridgeHosting)
        /// <summary>No gateway token is known for the bridge.</summary>
        public const string GatewayTokenMissing = "GatewayTokenMissing";
        /// <summary>The agent id holds characters the gateway's session keys do not allow.</summary>
        public const string InvalidAgentId = "InvalidAgentId";
        /// <summary>A bridge timing is outside its allowed range.</summary>
        public const string InvalidArgument = "InvalidArgument";
        /// <summary>The bridge stopped because a restart was asked for.</summary>
        public const string BridgeRestartRequested = "BridgeRestartRequested";
    }
}
