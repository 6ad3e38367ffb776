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
