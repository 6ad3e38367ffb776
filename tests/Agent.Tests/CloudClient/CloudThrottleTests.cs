namespace Edge.Agent.Tests.CloudClient;

using System.Net.Http.Headers;
using Edge.Agent.CloudClient;
using Microsoft.Extensions.Time.Testing;
using Xunit;

public sealed class CloudThrottleTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Is_throttled_until_the_moment_passes()
    {
        var time = new FakeTimeProvider(Now);
        var throttle = new CloudThrottle(time);
        throttle.ThrottleUntil(Now.AddSeconds(30));

        Assert.True(throttle.IsThrottled);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(throttle.IsThrottled);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(throttle.IsThrottled);
    }

    [Fact]
    public void A_shorter_pause_never_cuts_a_longer_one_short()
    {
        var time = new FakeTimeProvider(Now);
        var throttle = new CloudThrottle(time);
        throttle.ThrottleUntil(Now.AddSeconds(60));
        throttle.ThrottleUntil(Now.AddSeconds(5));

        Assert.Equal(Now.AddSeconds(60), throttle.Until);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    public void Retry_After_in_seconds_is_the_pause(string header, int seconds)
    {
        var pause = CloudThrottle.PauseFor(RetryConditionHeaderValue.Parse(header), Now, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromSeconds(seconds), pause);
    }

    [Fact]
    public void Retry_After_as_a_date_pauses_until_that_date()
    {
        var header = new RetryConditionHeaderValue(Now.AddSeconds(90));
        Assert.Equal(TimeSpan.FromSeconds(90), CloudThrottle.PauseFor(header, Now, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_date_in_the_past_means_no_pause()
    {
        var header = new RetryConditionHeaderValue(Now.AddSeconds(-90));
        Assert.Equal(TimeSpan.Zero, CloudThrottle.PauseFor(header, Now, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_missing_Retry_After_uses_the_default_and_a_huge_one_is_capped()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), CloudThrottle.PauseFor(null, Now, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
        var huge = RetryConditionHeaderValue.Parse("999999");
        Assert.Equal(TimeSpan.FromMinutes(5), CloudThrottle.PauseFor(huge, Now, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
    }
}
