namespace Edge.Agent.Hosting.Watchdog;

using Edge.Agent.Hosting.Readiness;

internal static class WatchdogRegistration
{
    /// <summary>Device health, the update indicator and the systemd watchdog's self-probe.</summary>
    public static IHostApplicationBuilder AddWatchdog(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDeviceReadiness();
        builder.Services.AddOptions<WatchdogOptions>()
            .BindConfiguration(WatchdogOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<InferenceProbe>();
        builder.Services.AddSingleton<WatchdogEvents>();
        builder.Services.AddHostedService<WatchdogService>();
        return builder;
    }
}
