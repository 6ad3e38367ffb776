namespace Edge.Agent.Serving;

internal static class ServingRegistration
{
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ServingOptions>()
            .BindConfiguration(ServingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(ModelLoader.Create);
        builder.Services.AddSingleton<IModelInfo>(sp => sp.GetRequiredService<LocalModel>());
        builder.Services.AddHostedService<ModelLoader>();
        return builder;
    }
}
