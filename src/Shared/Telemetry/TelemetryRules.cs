namespace Edge.Shared.Telemetry;

using Edge.Shared.Config;

/// <summary>What the cloud accepts as a telemetry window; the message names the first thing wrong.</summary>
public static class TelemetryRules
{
    /// <summary>A window longer than this is a clock or unit error, not a measurement.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    /// <summary>A shorter window turns a count into an absurd rate (a tiny denominator); the agent closes one every 10 s by default.</summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromMilliseconds(100);

    /// <summary>A billion per window is far beyond any device (100,000 req/s for 10 s is 10^6) and keeps sums exact.</summary>
    public const long MaxCount = 1_000_000_000;

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
        if (length < MinWindow || length > MaxWindow)
        {
            return $"a window must last from {MinWindow} to {MaxWindow}";
        }

        // Bounded so no sum below can overflow and one device cannot claim a rate that swamps its group's.
        if (!InRange(window.Requests) || !InRange(window.Local) || !InRange(window.Cloud) || !InRange(window.LocalDegraded) ||
            !InRange(window.AuditAgreed) || !InRange(window.AuditDisagreed) || !InRange(window.OutboxDepth))
        {
            return $"counts must be between 0 and {MaxCount}";
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
            if (!InRange(count))
            {
                return $"score bins must be between 0 and {MaxCount}";
            }

            sum += count;
        }

        if (sum != window.Requests)
        {
            return "score bins must sum to requests";
        }

        return ConfigRules.ValidateThreshold(window.Threshold);
    }

    private static bool InRange(long count) => count is >= 0 and <= MaxCount;
}
