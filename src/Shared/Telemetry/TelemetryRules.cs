namespace Edge.Shared.Telemetry;

using Edge.Shared.Config;

/// <summary>What the cloud accepts as a telemetry window; the message names the first thing wrong.</summary>
public static class TelemetryRules
{
    /// <summary>A window longer than this is a clock or unit error, not a measurement.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    public static string? Validate(TelemetryWindow window, string topicDeviceId)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (!string.Equals(window.DeviceId, topicDeviceId, StringComparison.Ordinal))
        {
            return $"the body names device '{window.DeviceId}', the topic '{topicDeviceId}'";
        }

        if (window.Id == Guid.Empty)
        {
            return "id must be a non-empty GUID";
        }

        if (window.Group is { } group && ConfigRules.ValidateName(group, "group") is { } groupError)
        {
            return groupError;
        }

        var length = window.End - window.Start;
        if (length <= TimeSpan.Zero || length > MaxWindow)
        {
            return $"end must be after start and the window at most {MaxWindow} long";
        }

        if (window.Requests < 0 || window.Local < 0 || window.Cloud < 0 || window.LocalDegraded < 0 ||
            window.AuditAgreed < 0 || window.AuditDisagreed < 0 || window.OutboxDepth < 0)
        {
            return "counts must not be negative";
        }

        if (window.Local + window.Cloud + window.LocalDegraded != window.Requests)
        {
            return "local + cloud + localDegraded must equal requests";
        }

        if (window.Scores.Length != ScoreBins.Count)
        {
            return $"scores must have {ScoreBins.Count} bins";
        }

        long sum = 0;
        foreach (var count in window.Scores)
        {
            if (count < 0)
            {
                return "score bins must not be negative";
            }

            sum += count;
        }

        if (sum != window.Requests)
        {
            return "score bins must sum to requests";
        }

        return ConfigRules.ValidateThreshold(window.Threshold);
    }
}
