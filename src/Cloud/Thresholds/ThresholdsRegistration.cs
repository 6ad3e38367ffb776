namespace Edge.Cloud.Thresholds;

using Edge.Cloud.Mqtt;

internal static class ThresholdsRegistration
{
    public static IHostApplicationBuilder AddThresholds(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ThresholdRepository>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<BoundsRepository>();
        builder.Services.AddSingleton<ThresholdService>();
        builder.Services.AddSingleton<DesiredConfigPublisher>();
        builder.Services.AddSingleton<IMqttConnectedHook>(sp => sp.GetRequiredService<DesiredConfigPublisher>());
        return builder;
    }
}
