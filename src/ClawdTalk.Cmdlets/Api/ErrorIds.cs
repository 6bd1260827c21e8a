namespace ClawdTalk.Api
{
    /// <summary>
    /// The stable ErrorIds code compares against (the README's table is the public list). A 404 is named after the
    /// resource a request asked for (<c>resource + "NotFound"</c>), so those constants must match the resource names
    /// the endpoint clients pass.
    /// </summary>
    internal static class ErrorIds
    {
        // transport and status (ApiClient)
        public const string ServerUnreachable = "ServerUnreachable";
        public const string RequestTimeout = "RequestTimeout";
        public const string ServerError = "ServerError";
        public const string RateLimited = "RateLimited";
        public const string Conflict = "Conflict";
        public const string ValidationFailed = "ValidationFailed";
        // the service reports that it failed to do what was asked (an error code `<thing>_failed`): its failure, not bad input
        public const string MessageFailed = "MessageFailed";
        public const string CallFailed = "CallFailed";
        public const string ServiceFailed = "ServiceFailed";
        public const string PaidPlanRequired = "PaidPlanRequired";
        public const string RequestOutcomeUnknown = "RequestOutcomeUnknown";
        public const string InvalidServerResponse = "InvalidServerResponse";
        public const string ResponseTooLarge = "ResponseTooLarge";
        public const string ApiUnauthorized = "ApiUnauthorized";
        public const string ApiForbidden = "ApiForbidden";

        // the connection's configuration (ConnectionResolver, ConfigStore)
        public const string InsecureServer = "InsecureServer";
        public const string InvalidServerUrl = "InvalidServerUrl";
        public const string ConfigInvalid = "ConfigInvalid";
        public const string ConfigUnreadable = "ConfigUnreadable";
        public const string ConfigReferenceUnset = "ConfigReferenceUnset";

        // 404 by resource
        public const string MissionNotFound = "MissionNotFound";
        public const string RunNotFound = "RunNotFound";
        public const string PlanNotFound = "PlanNotFound";
        public const string AssistantNotFound = "AssistantNotFound";
        public const string ScheduledEventNotFound = "ScheduledEventNotFound";

        // the module's own
        public const string NoApiKey = "NoApiKey";
        public const string StateLocked = "StateLocked";
        public const string EventNotCancellable = "EventNotCancellable";
        public const string WaitTimeout = "WaitTimeout";

        // the boundary: outside data validated where it enters, refused where it would reach a sink (Boundary/)
        public const string ControlCharacterInText = "ControlCharacterInText";
        public const string TextTooLong = "TextTooLong";
        public const string InvalidSlug = "InvalidSlug";
        public const string InvalidId = "InvalidId";
        public const string UnsafeSinkValue = "UnsafeSinkValue";
        public const string FileIsSymbolicLink = "FileIsSymbolicLink";
        public const string FileTooLarge = "FileTooLarge";
        public const string StateFileInvalid = "StateFileInvalid";
        public const string StateEntryInvalid = "StateEntryInvalid";
        public const string InvalidScheduleTime = "InvalidScheduleTime";
        public const string ScheduleTooFar = "ScheduleTooFar";
        public const string RunEnded = "RunEnded";
    }
}
