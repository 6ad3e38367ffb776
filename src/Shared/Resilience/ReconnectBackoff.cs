namespace Edge.Shared.Resilience;

/// <summary>
/// Exponential backoff with full jitter for reconnect loops: each delay is uniform between the minimum and a
/// ceiling that doubles per failed attempt up to the maximum. Jitter spreads a fleet that lost the same broker
/// so it does not reconnect in lockstep; the floor keeps a broker that refuses at once from becoming a busy loop.
/// </summary>
/// <remarks>
/// Shared by the agent and the cloud so both sides of a broker outage back off the same way. Stateless apart
/// from the random source: the caller counts its failed attempts and resets the count after a good connection.
/// </remarks>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Random _random;

    /// <summary>Creates a backoff between <paramref name="min"/> and <paramref name="max"/>.</summary>
    /// <param name="min">The shortest delay, and the ceiling of the first failed attempt.</param>
    /// <param name="max">The longest delay the ceiling grows to.</param>
    /// <param name="random">The jitter source; null uses <see cref="Random.Shared"/> (tests pass a seeded one).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is negative or <paramref name="max"/> is below it.</exception>
    public ReconnectBackoff(TimeSpan min, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        _min = min;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>The ceiling for the given zero-based failed attempt: min × 2^attempt, capped at the maximum.</summary>
    /// <param name="attempt">How many attempts have failed before this one (0 for the first failure).</param>
    public TimeSpan Ceiling(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);

        // Doubles are exact enough here and cannot overflow the way shifting ticks would.
        var ticks = Math.Min(_max.Ticks, _min.Ticks * Math.Pow(2, Math.Min(attempt, 62)));
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>A jittered delay for the given zero-based failed attempt, between the minimum and <see cref="Ceiling"/>.</summary>
    /// <param name="attempt">How many attempts have failed before this one (0 for the first failure).</param>
    public TimeSpan Next(int attempt)
    {
        var ceiling = Ceiling(attempt);
        return _min + ((ceiling - _min) * _random.NextDouble());
    }
}
