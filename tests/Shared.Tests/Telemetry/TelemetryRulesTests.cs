namespace Edge.Shared.Tests.Telemetry;

using Edge.Shared.Telemetry;
using Xunit;

public sealed class TelemetryRulesTests
{
    [Fact]
    public void A_consistent_window_is_accepted()
    {
        Assert.Null(TelemetryRules.Validate(Window(), "rules-1"));
    }

    [Fact]
    public void Bins_that_would_wrap_the_sum_around_to_the_request_count_are_refused()
    {
        var scores = new long[ScoreBins.Count];
        scores[0] = long.MaxValue;
        scores[1] = long.MaxValue;
        scores[2] = 2; // the three add up to 0 in unchecked 64-bit arithmetic
        var window = Window(requests: 0, scores);

        Assert.Contains("score bins must be between 0 and", TelemetryRules.Validate(window, "rules-1"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_count_beyond_the_cap_is_refused()
    {
        var scores = new long[ScoreBins.Count];
        scores[50] = TelemetryRules.MaxCount + 1;
        var window = Window(TelemetryRules.MaxCount + 1, scores);

        Assert.Contains("counts must be between 0 and", TelemetryRules.Validate(window, "rules-1"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_too_short_to_make_a_rate_of_is_refused()
    {
        var window = Window(length: TimeSpan.FromTicks(1));

        Assert.Contains("a window must last from", TelemetryRules.Validate(window, "rules-1"), StringComparison.Ordinal);
    }

    private static TelemetryWindow Window(long requests = 10, long[]? scores = null, TimeSpan? length = null)
    {
        if (scores is null)
        {
            scores = new long[ScoreBins.Count];
            scores[95] = requests;
        }

        var end = DateTimeOffset.UtcNow;
        return new TelemetryWindow
        {
            Id = Guid.CreateVersion7(), DeviceId = "rules-1", Group = "rules", Start = end - (length ?? TimeSpan.FromSeconds(10)), End = end,
            Requests = requests, Local = requests, Scores = scores, Threshold = 0.8,
        };
    }
}
