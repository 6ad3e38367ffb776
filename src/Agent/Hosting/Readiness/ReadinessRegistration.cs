namespace Edge.Agent.Hosting.Readiness;

internal static class ReadinessRegistration
{
    public static IHostApplicationBuilder AddDeviceReadiness(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<DeviceHealth>();
        builder.Services.AddSingleton<IUpdateActivity, UpdateActivity>();
        builder.Services.AddSingleton<DeviceStateSource>();
        return builder;
    }
}
