namespace Edge.Agent.CloudClient;

using Edge.Shared.Inference;

/// <summary>The cloud's answer, or why there is none (one of <see cref="CloudFailure"/>).</summary>
internal readonly record struct CloudResult(CloudAnswer? Answer, string? Failure)
{
    public static CloudResult Ok(CloudAnswer answer) => new(answer, null);

    public static CloudResult Failed(string reason) => new(null, reason);
}

/// <summary>Why the cloud did not answer; these become <c>degradedReason</c> and metric labels.</summary>
internal static class CloudFailure
{
    public const string Throttled = "cloud-throttled";
    public const string CircuitOpen = "cloud-circuit-open";
    public const string Deadline = "cloud-deadline";
    public const string Unreachable = "cloud-unreachable";
    public const string ServerError = "cloud-error";
    public const string Rejected = "cloud-rejected";
    public const string BadResponse = "cloud-bad-response";
}
