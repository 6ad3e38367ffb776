namespace Edge.Cloud.Observability;

internal static class ObservabilityRegistration
{
    public static IHostApplicationBuilder AddCloudObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CloudMetrics>();
        return builder;
    }
}
