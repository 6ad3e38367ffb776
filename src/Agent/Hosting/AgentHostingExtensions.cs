namespace Edge.Agent;

using Edge.Agent.Api;
using Edge.Agent.CloudClient;
using Edge.Agent.ConfigSync;
using Edge.Agent.Hosting;
using Edge.Agent.Inference;
using Edge.Agent.Observability;
using Edge.Agent.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Serilog;

public static class AgentHostingExtensions
{
    /// <summary>Everything the agent runs, one feature at a time. Each feature owns its options and registration.</summary>
    public static IHostApplicationBuilder AddAgentServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSystemd();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddAgentObservability();
        builder.AddInference();
        builder.AddRouting();
        builder.AddCloudClient();
        builder.AddAgentApi();
        builder.AddConfigSync();
        return builder;
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapInferenceApi();
        endpoints.MapHealthAndMetrics();
        return endpoints;
    }
}
