namespace Edge.Agent.CloudClient;

using Polly.Telemetry;

/// <summary>
/// Polly reports every retry, timeout and handled attempt of the cloud pipeline at Warning or Error with the
/// exception attached, so an unreachable cloud writes several stack traces per request into a device's journal.
/// For this pipeline they become Debug events; other pipelines keep Polly's defaults.
/// </summary>
internal static class CloudTelemetry
{
    public static Func<SeverityProviderArguments, ResilienceEventSeverity> Severity(Func<SeverityProviderArguments, ResilienceEventSeverity>? next) =>
        args => IsCloudPipeline(args.Source)
            ? ResilienceEventSeverity.Debug
            : next?.Invoke(args) ?? args.Event.Severity;

    /// <summary>The HTTP resilience handler names its pipeline "{client}-{handler}".</summary>
    private static bool IsCloudPipeline(ResilienceTelemetrySource source) =>
        source.PipelineName is { } name && name.StartsWith(CloudClientRegistration.PipelineName + "-", StringComparison.Ordinal);
}
