namespace Edge.Inference.Tests.Scoring;

using Edge.Inference;
using Edge.Shared.Config;
using Xunit;

/// <summary>Every output kind is calibrated in log space, so no kind caps a score and T = 1 keeps the model's own probabilities.</summary>
public sealed class OutputKindScoringTests
{
    [Fact]
    public void Probabilities_at_temperature_one_score_as_the_model_said_not_softmaxed_again()
    {
        var result = Scoring.Score([0.9998f, 0.0001f, 0.0001f], OutputKind.Probabilities, 1.0, ScoreFunction.MaxProbability, new float[3]);

        Assert.Equal(0, result.ClassIndex);
        Assert.Equal(0.9998, result.Score, 1e-4);

        // The schema-1 reading of the same output: softmax of probabilities caps a 3-class score at e/(e+2).
        var capped = Scoring.Score([0.9998f, 0.0001f, 0.0001f], 1.0, ScoreFunction.MaxProbability, new float[3]);
        Assert.True(capped.Score < Math.E / (Math.E + 2) + 1e-6);
    }

    [Fact]
    public void A_temperature_on_probabilities_acts_like_the_same_temperature_on_their_logits()
    {
        float[] logits = [2f, 0.5f, -1f];
        var fromLogits = new float[3];
        Scoring.Softmax(logits, 2.0, fromLogits);
        var probabilities = new float[3];
        Scoring.Softmax(logits, 1.0, probabilities);

        var fromProbabilities = new float[3];
        Scoring.Calibrate(probabilities, OutputKind.Probabilities, 2.0, fromProbabilities);

        Assert.Equal(fromLogits, fromProbabilities, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Log_probabilities_calibrate_like_logits()
    {
        float[] logProbabilities = [MathF.Log(0.7f), MathF.Log(0.2f), MathF.Log(0.1f)];
        var p = new float[3];

        Scoring.Calibrate(logProbabilities, OutputKind.LogProbabilities, 1.0, p);

        Assert.Equal([0.7f, 0.2f, 0.1f], p, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void A_zero_probability_gets_no_mass_at_any_temperature()
    {
        var p = new float[3];

        Scoring.Calibrate([0.5f, 0.5f, 0f], OutputKind.Probabilities, 3.0, p);

        Assert.Equal([0.5f, 0.5f, 0f], p, (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Theory]
    [InlineData(0.97f, 1.0, 0.97)]
    [InlineData(0.03f, 1.0, 0.97)]
    [InlineData(0.6f, 4.0, 0.525320)]
    public void A_sigmoid_output_is_the_probability_of_the_second_label(float sigmoid, double temperature, double expectedScore)
    {
        var result = Scoring.Score([sigmoid], OutputKind.Sigmoid, temperature, ScoreFunction.MaxProbability, new float[2]);

        Assert.Equal(sigmoid >= 0.5f ? 1 : 0, result.ClassIndex);
        Assert.Equal(expectedScore, result.Score, 1e-5);
    }

    [Fact]
    public void A_temperature_above_one_softens_a_sigmoid_in_log_odds()
    {
        var p = new float[2];

        Scoring.Calibrate([0.9f], OutputKind.Sigmoid, 2.0, p);

        // logit(0.9) = ln 9; halved, sigmoid(ln 3) = 0.75.
        Assert.Equal(0.75, p[1], 1e-5);
        Assert.Equal(0.25, p[0], 1e-5);
    }

    [Fact]
    public void A_saturated_sigmoid_still_scores_finitely()
    {
        var result = Scoring.Score([1f], OutputKind.Sigmoid, 1.5, ScoreFunction.Margin, new float[2]);

        Assert.True(double.IsFinite(result.Score));
        Assert.Equal(1, result.ClassIndex);
    }

    [Theory]
    [InlineData("logits", OutputKind.Logits)]
    [InlineData("probabilities", OutputKind.Probabilities)]
    [InlineData("logProbabilities", OutputKind.LogProbabilities)]
    [InlineData("sigmoid", OutputKind.Sigmoid)]
    public void Manifest_spellings_round_trip(string name, OutputKind kind)
    {
        Assert.True(OutputKinds.TryParse(name, out var parsed));
        Assert.Equal(kind, parsed);
        Assert.Equal(name, OutputKinds.Name(kind));
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("Probabilities")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_spellings_are_not_output_kinds(string? name) => Assert.False(OutputKinds.TryParse(name, out _));
}
