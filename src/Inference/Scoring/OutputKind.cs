namespace Edge.Inference;

/// <summary>What a classifier's output tensor holds; scoring calibrates each in log space with the manifest's temperature.</summary>
public enum OutputKind
{
    /// <summary>Unnormalised scores: p = softmax(z / T).</summary>
    Logits,

    /// <summary>A final Softmax: p = softmax(log p / T). Softmaxing it again would cap a K-class score at e/(e+K−1).</summary>
    Probabilities,

    /// <summary>A final LogSoftmax: p = softmax(log p / T).</summary>
    LogProbabilities,

    /// <summary>One value in (0, 1), the probability of the second label: p₁ = sigmoid(logit(s) / T), p₀ = 1 − p₁.</summary>
    Sigmoid,
}

/// <summary>The manifest's spelling of <see cref="OutputKind"/> and what a graph's last node says.</summary>
public static class OutputKinds
{
    public const string Logits = "logits";
    public const string Probabilities = "probabilities";
    public const string LogProbabilities = "logProbabilities";
    public const string Sigmoid = "sigmoid";

    /// <summary>The accepted manifest values, as messages name them.</summary>
    public const string Accepted = $"'{Logits}', '{Probabilities}', '{LogProbabilities}' or '{Sigmoid}'";

    public static bool TryParse(string? value, out OutputKind kind)
    {
        kind = value switch
        {
            Logits => OutputKind.Logits,
            Probabilities => OutputKind.Probabilities,
            LogProbabilities => OutputKind.LogProbabilities,
            Sigmoid => OutputKind.Sigmoid,
            _ => (OutputKind)(-1),
        };
        return Enum.IsDefined(kind);
    }

    public static string Name(OutputKind kind) => kind switch
    {
        OutputKind.Probabilities => Probabilities,
        OutputKind.LogProbabilities => LogProbabilities,
        OutputKind.Sigmoid => Sigmoid,
        _ => Logits,
    };

    /// <summary>
    /// The kind the op computing the output implies: null when the op alone does not say (a Div or a custom op
    /// could be anything), <see cref="OutputKind.Logits"/> for ops that produce raw scores.
    /// </summary>
    public static OutputKind? FromOp(string? opType) => opType switch
    {
        "Softmax" => OutputKind.Probabilities,
        "LogSoftmax" => OutputKind.LogProbabilities,
        "Sigmoid" => OutputKind.Sigmoid,
        "Gemm" or "MatMul" or "Conv" or "Add" or "Relu" or "GlobalAveragePool" or "ReduceMean" => OutputKind.Logits,
        _ => null,
    };
}
