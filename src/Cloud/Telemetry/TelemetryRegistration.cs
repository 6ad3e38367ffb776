namespace Edge.Cloud.Telemetry;

using Edge.Cloud.Mqtt;

internal static class TelemetryRegistration
{
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryIngestOptions>()
            .BindConfiguration(TelemetryIngestOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TelemetryQueue>();
        builder.Services.AddSingleton<TelemetryAggregator>();
        builder.Services.AddSingleton<IMqttMessageHandler, TelemetryHandler>();
        builder.Services.AddHostedService<TelemetryIngest>();
        return builder;
    }
}
