namespace Edge.Inference;

using Edge.Shared.Config;

/// <summary>Calibrated probabilities and the score functions the router compares with its threshold.</summary>
public static class Scoring
{
    /// <summary>softmax(logits / T) into <paramref name="probabilities"/>, computed in double around the max logit.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, double temperature, Span<float> probabilities)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("logits are empty", nameof(logits));
        }

        if (probabilities.Length < logits.Length)
        {
            throw new ArgumentException($"probabilities need {logits.Length} elements", nameof(probabilities));
        }

        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a positive number");
        }

        double max = logits[0];
        for (var i = 1; i < logits.Length; i++)
        {
            max = Math.Max(max, logits[i]);
        }

        // Each exponential once (they dominate the cost), kept in double until normalised.
        Span<double> exps = logits.Length <= 256 ? stackalloc double[logits.Length] : new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            exps[i] = Math.Exp((logits[i] - max) / temperature);
            sum += exps[i];
        }

        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = (float)(exps[i] / sum);
        }
    }

    /// <summary>
    /// Calibrated class probabilities from a model output of any <see cref="OutputKind"/>, with the temperature applied in
    /// log space, into <paramref name="probabilities"/> (classes long: the output's width, or 2 for a sigmoid).
    /// </summary>
    public static void Calibrate(ReadOnlySpan<float> output, OutputKind kind, double temperature, Span<float> probabilities)
    {
        switch (kind)
        {
            case OutputKind.Logits:
            case OutputKind.LogProbabilities:
                Softmax(output, temperature, probabilities);
                return;
            case OutputKind.Probabilities:
                ProbabilitiesSoftmax(output, temperature, probabilities);
                return;
            case OutputKind.Sigmoid:
                Sigmoid(output, temperature, probabilities);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown output kind");
        }
    }

    /// <summary><see cref="Calibrate"/> then the score function; <paramref name="probabilities"/> is scratch (≥ classes).</summary>
    public static ScoreResult Score(ReadOnlySpan<float> output, OutputKind kind, double temperature, ScoreFunction function, Span<float> probabilities)
    {
        var classes = kind == OutputKind.Sigmoid ? 2 : output.Length;
        Calibrate(output, kind, temperature, probabilities);
        return Score(probabilities[..classes], function);
    }

    /// <summary>Calibrates <paramref name="logits"/> and scores them; <paramref name="probabilities"/> is scratch (≥ classes).</summary>
    public static ScoreResult Score(ReadOnlySpan<float> logits, double temperature, ScoreFunction function, Span<float> probabilities)
    {
        Softmax(logits, temperature, probabilities);
        return Score(probabilities[..logits.Length], function);
    }

    /// <summary>Scores probabilities that already sum to one.</summary>
    public static ScoreResult Score(ReadOnlySpan<float> probabilities, ScoreFunction function)
    {
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("probabilities are empty", nameof(probabilities));
        }

        var top1 = 0;
        var p1 = double.NegativeInfinity;
        var p2 = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            double p = probabilities[i];
            if (p > p1)
            {
                p2 = Math.Max(p2, p1);
                p1 = p;
                top1 = i;
            }
            else if (p > p2)
            {
                p2 = p;
            }
        }

        var score = function switch
        {
            ScoreFunction.MaxProbability => p1,
            ScoreFunction.Margin => p1 - p2,
            ScoreFunction.Entropy => NormalisedCertainty(probabilities),
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, "unknown score function"),
        };
        return new ScoreResult(top1, Math.Clamp(score, 0.0, 1.0), p1);
    }

    /// <summary>softmax(log p / T): at T = 1 the model's own probabilities (renormalised); p = 0 stays 0.</summary>
    private static void ProbabilitiesSoftmax(ReadOnlySpan<float> p, double temperature, Span<float> probabilities)
    {
        CheckArguments(p, temperature, probabilities);
        Span<double> logs = p.Length <= 256 ? stackalloc double[p.Length] : new double[p.Length];
        var max = double.NegativeInfinity;
        for (var i = 0; i < p.Length; i++)
        {
            // NaN propagates (and is refused upstream); a negative or zero probability has no log and gets no mass.
            logs[i] = p[i] > 0 ? Math.Log(p[i]) / temperature : float.IsNaN(p[i]) ? double.NaN : double.NegativeInfinity;
            max = Math.Max(max, logs[i]);
        }

        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            logs[i] = double.IsNegativeInfinity(logs[i]) ? 0 : Math.Exp(logs[i] - max);
            sum += logs[i];
        }

        for (var i = 0; i < p.Length; i++)
        {
            probabilities[i] = (float)(logs[i] / sum);
        }
    }

    /// <summary>p₁ = sigmoid(logit(s) / T) for the one output value s; p₀ = 1 − p₁.</summary>
    private static void Sigmoid(ReadOnlySpan<float> output, double temperature, Span<float> probabilities)
    {
        if (output.Length != 1)
        {
            throw new ArgumentException($"a sigmoid output has one value, got {output.Length}", nameof(output));
        }

        if (probabilities.Length < 2)
        {
            throw new ArgumentException("probabilities need 2 elements", nameof(probabilities));
        }

        CheckTemperature(temperature);

        // Clamped away from 0 and 1 so that a saturated float still has finite log-odds.
        var s = Math.Clamp((double)output[0], 1e-12, 1 - 1e-12);
        var p1 = double.IsNaN(output[0]) ? double.NaN : 1 / (1 + Math.Exp(-(Math.Log(s / (1 - s)) / temperature)));
        probabilities[0] = (float)(1 - p1);
        probabilities[1] = (float)p1;
    }

    private static void CheckArguments(ReadOnlySpan<float> values, double temperature, Span<float> probabilities)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("the output is empty", nameof(values));
        }

        if (probabilities.Length < values.Length)
        {
            throw new ArgumentException($"probabilities need {values.Length} elements", nameof(probabilities));
        }

        CheckTemperature(temperature);
    }

    private static void CheckTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a positive number");
        }
    }

    /// <summary>1 − H(p) / ln K: 1 for a one-hot distribution, 0 for a uniform one.</summary>
    private static double NormalisedCertainty(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length == 1)
        {
            return 1.0;
        }

        double entropy = 0;
        foreach (double p in probabilities)
        {
            if (p > 0)
            {
                entropy -= p * Math.Log(p);
            }
        }

        return 1.0 - (entropy / Math.Log(probabilities.Length));
    }
}
