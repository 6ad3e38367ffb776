namespace Edge.Agent;

using Edge.Agent.Api;
using Edge.Agent.CloudClient;
using Edge.Agent.ConfigSync;
using Edge.Agent.Gpio;
using Edge.Agent.Hosting;
using Edge.Agent.Hosting.Watchdog;
using Edge.Agent.Mqtt;
using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Edge.Agent.Sources;
using Edge.Agent.Telemetry;
using Edge.Agent.Updater;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Serilog;
using Serilog.Events;

/// <summary>The agent's table of contents: every feature it registers and every route it maps, in order.</summary>
public static class AgentHosting
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
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture),

            // Its own logger, not Serilog's static one, which every host in a process would share (see CloudHosting).
            preserveStaticLogger: true);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddAgentObservability();
        builder.AddServing();
        builder.AddRouting();
        builder.AddCloudClient();
        builder.AddApi();
        builder.AddAgentMqtt();
        builder.AddConfigSync();
        builder.AddUpdater();
        builder.AddOutbox();
        builder.AddAgentTelemetry();
        builder.AddWatchdog();
        builder.AddSources();
        builder.AddGpio();
        return builder;
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapInferEndpoints();
        endpoints.MapHealthEndpoints();
        endpoints.MapDeviceStatusEndpoints();
        return endpoints;
    }
}
