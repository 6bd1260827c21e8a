namespace ClawdTalk.Api
{
    /// <summary>
    /// What every endpoint client of the contract holds (<see cref="ApprovalsApi"/>, <see cref="AssistantsApi"/>,
    /// <see cref="CommsApi"/>, <see cref="MissionsApi"/>, <see cref="ScheduledEventsApi"/>): the one HTTP pipeline and the
    /// verbose log its requests are described to; it takes no cmdlet.
    /// </summary>
    internal abstract class EndpointClient
    {
        protected readonly ApiClient _api;
        protected readonly Action<string>? _log;

        protected EndpointClient(ApiClient api, Action<string>? log)
        {
            _api = api;
            _log = log;
        }

        /// <summary>One path segment, escaped (ids come from outside).</summary>
        protected static string E(string s) => ApiText.Segment(s);
    }
}
