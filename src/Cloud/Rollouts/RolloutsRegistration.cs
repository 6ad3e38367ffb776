namespace Edge.Cloud.Rollouts;

using Edge.Cloud.Mqtt;

internal static class RolloutsRegistration
{
    /// <summary>Register after the model registry and devices, before the MQTT client (hosted services start in order).</summary>
    public static IHostApplicationBuilder AddRollouts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RolloutOptions>()
            .BindConfiguration(RolloutOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SigningKeyProvider>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SigningKeyProvider>());
        builder.Services.AddSingleton<PackageStore>();
        builder.Services.AddSingleton<RolloutStore>();
        builder.Services.AddSingleton<DesiredModelPublisher>();
        builder.Services.AddSingleton<RolloutService>();
        builder.Services.AddSingleton<RolloutEvents>();
        builder.Services.AddSingleton<IMqttMessageHandler, ModelStatusHandler>();
        builder.Services.AddSingleton<IMqttConnectedHook, RolloutRepublisher>();
        builder.Services.AddHostedService<RolloutWorker>();

        builder.Services.AddSingleton<BlockRefusals>();
        builder.Services.AddSingleton<BlockRequestHandler>();
        builder.Services.AddSingleton<IMqttMessageHandler>(sp => sp.GetRequiredService<BlockRequestHandler>());
        builder.Services.AddSingleton<BlockServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BlockServer>());
        return builder;
    }
}
