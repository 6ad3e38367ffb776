namespace Edge.Cloud.Mqtt;

internal static class MqttRegistration
{
    public static IHostApplicationBuilder AddCloudMqtt(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CloudMqttOptions>()
            .BindConfiguration(CloudMqttOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Hosted services start in registration order and stop in reverse: broker up before the client, down after it.
        builder.Services.AddSingleton<CloudCredentials>();
        var embedded = builder.Configuration.GetValue($"{CloudMqttOptions.Section}:{nameof(CloudMqttOptions.Embedded)}", new CloudMqttOptions().Embedded);
        if (embedded)
        {
            builder.Services.AddSingleton<BrokerAuthenticator>();
            builder.Services.AddSingleton<EmbeddedBroker>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        builder.Services.AddSingleton<CloudMqttClient>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CloudMqttClient>());
        return builder;
    }
}
