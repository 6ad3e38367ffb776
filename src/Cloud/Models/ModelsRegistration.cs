namespace Edge.Cloud.Models;

internal static class ModelsRegistration
{
    public static IHostApplicationBuilder AddModelRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ModelRegistryOptions>()
            .BindConfiguration(ModelRegistryOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ModelStore>();
        builder.Services.AddSingleton<ReferenceStore>();
        builder.Services.AddSingleton<ModelPublisher>();
        builder.Services.AddHostedService<ReferenceRequirementWarning>();
        return builder;
    }
}
