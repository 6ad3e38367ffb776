namespace Edge.Shared.Tests.Resilience;

using Edge.Shared.Resilience;
using Xunit;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_ceiling_doubles_per_failed_attempt_up_to_the_maximum()
    {
        var backoff = new ReconnectBackoff(Min, Max);

        var ceilings = Enumerable.Range(0, 9).Select(a => backoff.Ceiling(a).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], ceilings);
        Assert.Equal(Max, backoff.Ceiling(int.MaxValue));
    }

    [Fact]
    public void Delays_are_jittered_between_the_minimum_and_the_ceiling()
    {
        var backoff = new ReconnectBackoff(Min, Max, new Random(42));

        var delays = Enumerable.Range(0, 2000).Select(i => (Attempt: i % 10, Delay: backoff.Next(i % 10))).ToList();

        Assert.All(delays, d => Assert.InRange(d.Delay, Min, backoff.Ceiling(d.Attempt)));
        Assert.Equal(Min, backoff.Next(0));

        // Full jitter: late attempts spread over most of [min, max], not clustered at the ceiling.
        var late = delays.Where(d => d.Attempt >= 7).Select(d => d.Delay.TotalSeconds).ToList();
        Assert.InRange(late.Min(), 1, 6);
        Assert.InRange(late.Max(), 55, 60);
    }

    [Fact]
    public void The_maximum_may_not_be_below_the_minimum() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(Max, Min));
}
