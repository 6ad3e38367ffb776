namespace Edge.Shared.Config;

/// <summary>
/// Operator limits on the threshold at one scope (<c>PUT /v1/thresholds/{scope}/{target}/bounds</c>). A threshold set at a
/// scope must lie within the bounds of that scope and of every less specific scope over it; the load controller
/// only moves thresholds inside them.
/// </summary>
public sealed class ThresholdBounds
{
    public double? Min { get; set; }

    public double? Max { get; set; }

    /// <summary>Who is changing them (audit log); defaults to "api".</summary>
    public string? By { get; set; }

    /// <summary>Why (audit log).</summary>
    public string? Reason { get; set; }

    /// <summary>Null when valid, otherwise a message naming the bad bound.</summary>
    public static string? Validate(double? min, double? max)
    {
        if (min is null || max is null)
        {
            return "both min and max are required";
        }

        if (!double.IsFinite(min.Value))
        {
            return "min must be a finite number";
        }

        if (!double.IsFinite(max.Value))
        {
            return "max must be a finite number";
        }

        if (min < ConfigRules.MinThreshold || min > ConfigRules.MaxThreshold)
        {
            return $"min {Format(min.Value)} is outside [{ConfigRules.MinThreshold}, {ConfigRules.MaxThreshold}]";
        }

        if (max < ConfigRules.MinThreshold || max > ConfigRules.MaxThreshold)
        {
            return $"max {Format(max.Value)} is outside [{ConfigRules.MinThreshold}, {ConfigRules.MaxThreshold}]";
        }

        return min > max ? $"min {Format(min.Value)} is greater than max {Format(max.Value)}" : null;
    }

    public static string Format(double value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Bounds as stored at one scope.</summary>
public sealed class ScopeBounds
{
    public ConfigScope Scope { get; init; }

    public string? Target { get; init; }

    public double Min { get; init; }

    public double Max { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? UpdatedBy { get; init; }
}
