namespace Edge.Agent.CloudClient;

/// <summary>
/// Remembers the cloud's last 429 until its Retry-After passes; meanwhile nothing is sent (the cloud asked
/// us to back off, and sending anyway would only add to its load). Lock-free: one atomic timestamp.
/// </summary>
internal sealed class CloudThrottle(TimeProvider time)
{
    private long _untilUtcTicks;

    /// <summary>When calls may resume; null when not throttled.</summary>
    public DateTimeOffset? Until
    {
        get
        {
            var ticks = Interlocked.Read(ref _untilUtcTicks);
            return ticks > time.GetUtcNow().UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        }
    }

    public bool IsThrottled => Until is not null;

    /// <summary>
    /// Extends the pause to <paramref name="until"/> (never shortens a longer pause already in force).
    /// Returns false when a pause at least as long was already in force, so concurrent 429s log once.
    /// </summary>
    public bool ThrottleUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        var seen = Interlocked.Read(ref _untilUtcTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref _untilUtcTicks, ticks, seen);
            if (previous == seen)
            {
                return true;
            }

            seen = previous;
        }

        return false;
    }

    /// <summary>The pause a 429's Retry-After asks for (delta or HTTP date), bounded to [0, max].</summary>
    public static TimeSpan PauseFor(System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter, DateTimeOffset now, TimeSpan fallback, TimeSpan max)
    {
        var pause = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => fallback,
        };
        return pause < TimeSpan.Zero ? TimeSpan.Zero : pause > max ? max : pause;
    }
}
