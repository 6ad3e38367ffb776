namespace Edge.Agent.Observability;

internal static class ObservabilityRegistration
{
    public static IHostApplicationBuilder AddAgentObservability(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AgentMetrics>();
        builder.Services.AddSingleton<UpdateMetrics>();
        builder.Services.AddSingleton<PrometheusWriter>();
        return builder;
    }
}
