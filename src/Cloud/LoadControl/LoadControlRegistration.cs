namespace Edge.Cloud.LoadControl;

internal static class LoadControlRegistration
{
    public static IHostApplicationBuilder AddLoadControl(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LoadControllerOptions>()
            .BindConfiguration(LoadControllerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<LabelledSamples>();
        builder.Services.AddSingleton<LoadController>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LoadController>());
        return builder;
    }
}
