namespace Edge.Inference.Tests.Scoring;

using Edge.Inference;
using Edge.Shared.Config;
using Xunit;

public sealed class ScoringTests
{
    [Fact]
    public void Softmax_sums_to_one_and_survives_huge_logits()
    {
        var p = new float[3];
        Scoring.Softmax([1000f, 0f, -1000f], 1.0, p);
        Assert.Equal(1.0, p.Sum(), 1e-6);
        Assert.Equal(1.0, p[0], 1e-6);
        Assert.All(p, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Temperature_above_one_softens_the_distribution()
    {
        var sharp = new float[2];
        var soft = new float[2];
        Scoring.Softmax([2f, 0f], 1.0, sharp);
        Scoring.Softmax([2f, 0f], 2.0, soft);
        Assert.Equal(1 / (1 + Math.Exp(-2)), sharp[0], 1e-6);
        Assert.Equal(1 / (1 + Math.Exp(-1)), soft[0], 1e-6);
    }

    [Fact]
    public void Max_probability_returns_the_top_class_and_its_probability()
    {
        var result = Scoring.Score([0.1f, 0.7f, 0.2f], ScoreFunction.MaxProbability);
        Assert.Equal(1, result.ClassIndex);
        Assert.Equal(0.7, result.Score, 1e-6);
        Assert.Equal(0.7, result.Probability, 1e-6);
    }

    [Fact]
    public void Margin_is_top1_minus_top2()
    {
        var result = Scoring.Score([0.2f, 0.5f, 0.3f], ScoreFunction.Margin);
        Assert.Equal(1, result.ClassIndex);
        Assert.Equal(0.2, result.Score, 1e-6);
    }

    [Fact]
    public void Margin_sees_a_second_class_that_comes_before_the_first()
    {
        var result = Scoring.Score([0.45f, 0.1f, 0.45f], ScoreFunction.Margin);
        Assert.Equal(0, result.ClassIndex);
        Assert.Equal(0.0, result.Score, 1e-6);
    }

    [Fact]
    public void Entropy_score_is_one_for_certainty_and_zero_for_a_uniform_guess()
    {
        Assert.Equal(1.0, Scoring.Score([0f, 1f, 0f, 0f], ScoreFunction.Entropy).Score, 1e-9);
        Assert.Equal(0.0, Scoring.Score([0.25f, 0.25f, 0.25f, 0.25f], ScoreFunction.Entropy).Score, 1e-6);
    }

    [Fact]
    public void Entropy_score_matches_the_formula()
    {
        var p = new[] { 0.7f, 0.2f, 0.1f };
        var h = -p.Sum(v => v * Math.Log(v));
        Assert.Equal(1 - (h / Math.Log(3)), Scoring.Score(p, ScoreFunction.Entropy).Score, 1e-6);
    }

    [Fact]
    public void Ties_go_to_the_lowest_class_index()
    {
        Assert.Equal(1, Scoring.Score([0.1f, 0.45f, 0.45f], ScoreFunction.MaxProbability).ClassIndex);
    }

    [Fact]
    public void Scoring_logits_applies_the_temperature_first()
    {
        var scratch = new float[2];
        var result = Scoring.Score([2f, 0f], 2.0, ScoreFunction.MaxProbability, scratch);
        Assert.Equal(0, result.ClassIndex);
        Assert.Equal(1 / (1 + Math.Exp(-1)), result.Score, 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void A_temperature_that_is_not_positive_is_refused(double temperature)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Scoring.Softmax([1f, 2f], temperature, new float[2]));
    }
}
