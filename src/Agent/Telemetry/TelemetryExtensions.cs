namespace Edge.Agent.Telemetry;

internal static class TelemetryExtensions
{
    /// <summary>Telemetry windows over MQTT; needs <c>AddOutbox</c> and <c>AddAgentMqtt</c>.</summary>
    public static IHostApplicationBuilder AddAgentTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Mqtt.MqttExtensions.AddAgentMqtt(builder);
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TelemetryWindowCutter>();
        builder.Services.AddSingleton<TelemetryPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryPublisher>());
        return builder;
    }
}
