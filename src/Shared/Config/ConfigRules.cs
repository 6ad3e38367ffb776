namespace Edge.Shared.Config;

/// <summary>
/// The validation both sides apply to desired config: the cloud refuses to publish what a device would refuse.
/// </summary>
public static class ConfigRules
{
    public const double MinThreshold = 0.0;

    /// <summary>Anything above 1 sends every request to the cloud; the cap only catches typos.</summary>
    public const double MaxThreshold = 2.0;

    public const int MaxNameLength = 64;

    /// <summary>A device refuses a version further than this past the last one it applied in the same epoch.</summary>
    public const long DefaultMaxVersionJump = 1_000_000;

    /// <summary>Returns null when valid, otherwise a message an operator can act on.</summary>
    public static string? ValidateThreshold(double? threshold) => threshold switch
    {
        null => null,
        var t when double.IsNaN(t.Value) || double.IsInfinity(t.Value) => "threshold must be a finite number",
        var t when t < MinThreshold || t > MaxThreshold =>
            $"threshold {t.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside [{MinThreshold}, {MaxThreshold}]",
        _ => null,
    };

    public static string? ValidateAuditSampleRate(double? rate) => rate switch
    {
        null => null,
        var r when double.IsNaN(r.Value) || double.IsInfinity(r.Value) => "auditSampleRate must be a finite number",
        var r when r < 0 || r > 1 => "auditSampleRate must be within [0, 1]",
        _ => null,
    };

    /// <summary>Group names and device ids become MQTT topic levels, so they must be safe there.</summary>
    public static string? ValidateName(string? name, string what)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return $"{what} must not be empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"{what} is longer than {MaxNameLength} characters";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return $"{what} '{name}' may only contain letters, digits, '-', '_' and '.'";
            }
        }

        return null;
    }

    /// <summary>Validates a desired config as received on <paramref name="scope"/>/<paramref name="target"/>.</summary>
    public static string? Validate(DesiredConfig config, ConfigScope scope, string? target)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Version <= 0)
        {
            return "version must be a positive integer";
        }

        if (config.Epoch is not null && ValidateName(config.Epoch, "epoch") is { } epochError)
        {
            return epochError;
        }

        if (!Enum.IsDefined(config.Scope))
        {
            return $"unknown scope {(int)config.Scope}";
        }

        if (config.Scope != scope)
        {
            return $"scope '{config.Scope}' does not match the topic's scope '{scope}'";
        }

        if (scope != ConfigScope.Fleet && !string.Equals(config.Target, target, StringComparison.Ordinal))
        {
            return $"target '{config.Target}' does not match the topic's target '{target}'";
        }

        if (config.ScoreFunction is { } f && !Enum.IsDefined(f))
        {
            return $"unknown score function {(int)f}";
        }

        return ValidateThreshold(config.Threshold) ?? ValidateAuditSampleRate(config.AuditSampleRate);
    }
}
