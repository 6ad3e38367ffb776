namespace Edge.Cloud.Fallback;

internal static class FallbackRegistration
{
    public static IHostApplicationBuilder AddFallback(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CloudInferenceOptions>()
            .BindConfiguration(CloudInferenceOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<CloudModel>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CloudModel>());
        builder.Services.AddSingleton<InferHandler>();
        return builder;
    }
}
