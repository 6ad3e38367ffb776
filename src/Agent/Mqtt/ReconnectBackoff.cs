namespace Edge.Agent.Mqtt;

/// <summary>
/// Exponential backoff with full jitter: each delay is uniform between the minimum and a ceiling that
/// doubles per failed attempt up to the maximum. Jitter spreads a fleet that lost the same broker so it
/// does not reconnect in lockstep; the floor keeps a broker that refuses at once from becoming a busy loop.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan min, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        _min = min;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>The ceiling for the given zero-based failed attempt.</summary>
    public TimeSpan Ceiling(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);

        // Doubles are exact enough here and cannot overflow the way shifting ticks would.
        var ticks = Math.Min(_max.Ticks, _min.Ticks * Math.Pow(2, Math.Min(attempt, 62)));
        return TimeSpan.FromTicks((long)ticks);
    }

    public TimeSpan Next(int attempt)
    {
        var ceiling = Ceiling(attempt);
        return _min + ((ceiling - _min) * _random.NextDouble());
    }
}
