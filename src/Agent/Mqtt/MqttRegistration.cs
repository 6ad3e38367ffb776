namespace Edge.Agent.Mqtt;

using Microsoft.Extensions.DependencyInjection.Extensions;

internal static class MqttRegistration
{
    /// <summary>
    /// Registers the shared <see cref="AgentMqttConnection"/>. Idempotent: every feature that talks MQTT
    /// (config sync, telemetry, OTA) calls it, and they all get the same client.
    /// </summary>
    public static IHostApplicationBuilder AddAgentMqtt(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(AgentMqttConnection)))
        {
            return builder;
        }

        builder.Services.AddOptions<MqttOptions>()
            .BindConfiguration(MqttOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentMqttConnection>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentMqttConnection>());
        return builder;
    }
}
