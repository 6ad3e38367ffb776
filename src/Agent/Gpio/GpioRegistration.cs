namespace Edge.Agent.Gpio;

using Edge.Agent.Sources;

internal static class GpioRegistration
{
    public static IHostApplicationBuilder AddGpio(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GpioOptions>()
            .BindConfiguration(GpioOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SimulatedGpioDriver>();
        builder.Services.AddSingleton<Actuator>();
        builder.Services.AddSingleton<IFrameAnswerObserver>(sp => sp.GetRequiredService<Actuator>());
        builder.Services.AddHostedService<GpioService>();
        return builder;
    }
}
