namespace Edge.Shared.Tests.Telemetry;

using Edge.Shared.Telemetry;
using Xunit;

public sealed class ScoreBinsTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.009, 0)]
    [InlineData(0.01, 1)]
    [InlineData(0.5, 50)]
    [InlineData(0.999, 99)]
    [InlineData(1.0, 99)]
    public void A_score_counts_in_the_bin_whose_lower_edge_is_at_or_below_it(double score, int bin) =>
        Assert.Equal(bin, ScoreBins.Of(score));

    [Theory]
    [InlineData(-0.5, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(1.5, 99)]
    [InlineData(double.PositiveInfinity, 99)]
    public void A_score_outside_zero_to_one_is_clamped_into_the_nearest_end_bin(double score, int bin) =>
        Assert.Equal(bin, ScoreBins.Of(score));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.8, 80)]
    [InlineData(0.805, 81)]
    [InlineData(1.0, 100)]
    [InlineData(1.5, 100)]
    public void The_share_at_or_above_a_threshold_starts_at_the_bin_edge_the_threshold_rounds_to(double threshold, int first)
    {
        Assert.Equal(first, ScoreBins.FirstAtOrAbove(threshold));
        Assert.Equal(Math.Min(first, ScoreBins.Count) * ScoreBins.Width, ScoreBins.Lower(first), 12);
    }
}
