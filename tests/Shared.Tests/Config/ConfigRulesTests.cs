namespace Edge.Shared.Tests.Config;

using Edge.Shared.Config;
using Xunit;

public sealed class ConfigRulesTests
{
    [Theory]
    [InlineData("line-1")]
    [InlineData("cam_01.a")]
    public void A_name_of_letters_digits_dashes_underscores_and_dots_is_a_safe_topic_level(string name) =>
        Assert.Null(ConfigRules.ValidateName(name, "group"));

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("line/1", "may only contain")]
    [InlineData("line+", "may only contain")]
    [InlineData("#", "may only contain")]
    [InlineData("line 1", "may only contain")]
    public void A_name_that_could_break_a_topic_is_refused(string name, string reasonPart) =>
        Assert.Contains(reasonPart, ConfigRules.ValidateName(name, "group"), StringComparison.Ordinal);

    [Fact]
    public void A_name_longer_than_the_cap_is_refused() =>
        Assert.Contains("longer than", ConfigRules.ValidateName(new string('a', ConfigRules.MaxNameLength + 1), "device id"), StringComparison.Ordinal);

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(2.0, true)]
    [InlineData(2.01, false)]
    [InlineData(-0.01, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void A_threshold_must_be_finite_and_within_the_bounds(double threshold, bool valid) =>
        Assert.Equal(valid, ConfigRules.ValidateThreshold(threshold) is null);
}
