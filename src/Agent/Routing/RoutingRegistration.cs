namespace Edge.Agent.Routing;

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

internal static class RoutingRegistration
{
    public static IHostApplicationBuilder AddRouting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RouterOptions>()
            .BindConfiguration(RouterOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Seeded from the local defaults; config sync replaces the snapshot when a desired config arrives.
        builder.Services.AddSingleton(sp => new LiveConfig(sp.GetRequiredService<IOptions<RouterOptions>>().Value.ToSettings()));
        builder.Services.TryAddSingleton<IHardExampleSink, CountingHardExampleSink>();
        builder.Services.TryAddSingleton<IAuditSampleSink, DroppingAuditSampleSink>();
        builder.Services.AddSingleton<AuditSampler>();
        builder.Services.AddSingleton<InferenceRouter>();
        return builder;
    }
}
