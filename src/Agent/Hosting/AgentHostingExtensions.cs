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
using Serilog.Events;

public static class AgentHostingExtensions
{
    /// <summary>Everything the agent runs, one feature at a time. Each feature owns its options and registration.</summary>
    public static IHostApplicationBuilder AddAgentServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSystemd();
        builder.Services.AddSerilog((services, logger) => logger
            // Defaults in code, because hosts that embed the agent (demo, tests) do not ship its appsettings.json;
            // configuration still overrides them. Both libraries log per request, which floods a device's journal.
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            // Start-up failures are logged as one critical line without a stack trace (AgentStartup).
            .Filter.ByExcluding(AgentStartup.IsHostStartupFaulted)
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
        Updates.UpdatesExtensions.AddModelUpdates(builder);
        Outbox.OutboxExtensions.AddOutbox(builder);
        Telemetry.TelemetryExtensions.AddAgentTelemetry(builder);
        Hosting.Watchdog.WatchdogExtensions.AddWatchdog(builder);
        Sources.SourcesExtensions.AddSources(builder);
        Gpio.GpioExtensions.AddGpio(builder);
        return builder;
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapInferenceApi();
        endpoints.MapHealthAndMetrics();
        Hosting.Readiness.DeviceStatusApi.MapDeviceStatus(endpoints);
        return endpoints;
    }
}
