namespace Edge.Agent.Telemetry;

internal static class TelemetryRegistration
{
    /// <summary>Telemetry windows over MQTT; needs <c>AddOutbox</c> and <c>AddAgentMqtt</c>.</summary>
    public static IHostApplicationBuilder AddAgentTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Mqtt.MqttRegistration.AddAgentMqtt(builder);
        builder.Services.AddOptions<TelemetryPublisherOptions>()
            .BindConfiguration(TelemetryPublisherOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TelemetryWindowCutter>();
        builder.Services.AddSingleton<TelemetryPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryPublisher>());
        return builder;
    }
}
