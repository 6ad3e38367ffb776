namespace Edge.Agent.Inference;

internal static class InferenceExtensions
{
    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InferenceOptions>()
            .BindConfiguration(InferenceOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(ModelLoader.Create);
        builder.Services.AddSingleton<IModelInfo>(sp => sp.GetRequiredService<LocalModel>());
        builder.Services.AddHostedService<ModelLoader>();
        return builder;
    }
}
