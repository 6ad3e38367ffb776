namespace Edge.Cloud.Inference;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

internal static class InferenceRegistration
{
    public static IHostApplicationBuilder AddCloudInference(this IHostApplicationBuilder builder)
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

    public static IEndpointRouteBuilder MapInferEndpoint(this IEndpointRouteBuilder endpoints)
    {
        var handler = endpoints.ServiceProvider.GetRequiredService<InferHandler>();
        endpoints.MapPost("/v1/infer", handler.HandleAsync);
        return endpoints;
    }
}
