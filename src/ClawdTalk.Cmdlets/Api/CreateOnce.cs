namespace ClawdTalk.Api
{
    /// <summary>What a creator found when the answer to its create request was lost.</summary>
    internal readonly struct LostAnswer<T> where T : class
    {
        LostAnswer(T? landed, bool sendAgain) { Landed = landed; SendAgain = sendAgain; }

        /// <summary>What the lost request created (adopted instead of sending again), or null.</summary>
        public T? Landed { get; }
        /// <summary>True when it provably did not land, so sending again cannot create a second one.</summary>
        public bool SendAgain { get; }

        public static LostAnswer<T> Found(T landed) => new LostAnswer<T>(landed, false);
        public static LostAnswer<T> NotThere => new LostAnswer<T>(null, true);
        /// <summary>Not found, and it cannot be told whether it landed: the create is not sent again.</summary>
        public static LostAnswer<T> Unknown => new LostAnswer<T>(null, false);
    }

    /// <summary>
    /// The one create-once rule of the module, for everything that creates or bills (missions, runs, assistants, run
    /// events, scheduled calls and texts): a create is never sent blindly a second time. When its answer is lost
    /// (<see cref="RequestOutcomeUnknownException"/>), the caller's look-up reads the service back; what landed is adopted,
    /// a create that provably did not land is sent again (at most <c>maxSends</c> in all), and anything else rethrows the
    /// lost answer, so nothing is created twice. What the callers add on top: a marker in the slug store before the
    /// request (<c>MissionCmdlet.CreateOnce</c>, for reruns after a crash), a reservation per target (<see cref="ScheduledEvents.Reservations"/>),
    /// a client key in a run event's payload (<see cref="RunEventLog"/>).
    /// </summary>
    internal static class CreateOnce
    {
        public static async Task<T> SendAsync<T>(Func<CancellationToken, Task<T>> send, Func<RequestOutcomeUnknownException, CancellationToken, Task<LostAnswer<T>>> lookUp,
            int maxSends, CancellationToken ct) where T : class
        {
            for (var sent = 1; ; sent++)
            {
                try { return await send(ct).ConfigureAwait(false); }
                catch (RequestOutcomeUnknownException lost)
                {
                    var seen = await lookUp(lost, ct).ConfigureAwait(false);
                    if (seen.Landed != null) return seen.Landed;
                    if (!seen.SendAgain || sent >= maxSends) throw;
                }
            }
        }

        /// <summary>
        /// True unless something created at <paramref name="created"/> is clearly older than a create started at
        /// <paramref name="started"/> (two minutes are allowed for clock skew between this machine and the service): a
        /// look-up adopts only what the lost request can have created.
        /// </summary>
        public static bool CreatedSince(DateTimeOffset? created, DateTimeOffset? started) =>
            created == null || started == null || created.Value >= started.Value.AddMinutes(-2);

        /// <summary>The same rule for a creator that runs on the pipeline thread (its steps pump their own requests).</summary>
        public static T Send<T>(Func<T> send, Func<RequestOutcomeUnknownException, LostAnswer<T>> lookUp, int maxSends) where T : class =>
            SendAsync(_ => Task.FromResult(send()), (lost, _) => Task.FromResult(lookUp(lost)), maxSends, CancellationToken.None).GetAwaiter().GetResult();
    }
}
