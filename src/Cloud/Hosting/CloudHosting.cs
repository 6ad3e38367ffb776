namespace Edge.Cloud;

using Edge.Cloud.Admission;
using Edge.Cloud.Devices;
using Edge.Cloud.Fallback;
using Edge.Cloud.HardExamples;
using Edge.Cloud.Hosting;
using Edge.Cloud.LoadControl;
using Edge.Cloud.Models;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Observability;
using Edge.Cloud.Rollouts;
using Edge.Cloud.Security;
using Edge.Cloud.Storage;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Thresholds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Serilog;

/// <summary>The cloud's table of contents: every feature it registers and every route it maps, in order.</summary>
public static class CloudHosting
{
    /// <summary>
    /// Everything the cloud runs, one feature at a time. Order matters for hosted services (they start in this
    /// order and stop in reverse): the schema first, then the model, then the broker, then the MQTT client.
    /// </summary>
    public static IHostApplicationBuilder AddCloudServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Its own logger, not Serilog's static one: with the static one, every host in a process (the demo's cloud and
        // agent, the tests' hosts) writes to whichever was built last, and disposing one silences the rest.
        builder.Services.AddSerilog(
            (services, logger) => logger
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture),
            preserveStaticLogger: true);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<CloudHostOptions>()
            .BindConfiguration(CloudHostOptions.Section)
            .ValidateDataAnnotations()

            // Kestrel would bind these itself, past Cloud:Urls and its refusal of plain HTTP beyond loopback.
            .Validate<IConfiguration>(
                (_, configuration) => !configuration.GetSection("Kestrel:Endpoints").Exists(),
                "Kestrel:Endpoints is not read by the cloud's listener checks; list the addresses in Cloud:Urls (and the certificate in Cloud:Tls)")
            .ValidateOnStart();
        builder.AddCloudTls();

        builder.AddStorage();
        builder.AddSecurity();
        builder.AddCloudObservability();
        builder.AddAdmission();
        builder.AddFallback();
        builder.AddThresholds();
        builder.AddDevices();
        builder.AddHardExamples();
        builder.AddModelRegistry();
        builder.AddRollouts();
        builder.AddTelemetry();
        builder.AddLoadControl();
        builder.AddCloudMqtt();
        return builder;
    }

    public static IEndpointRouteBuilder MapCloudEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapFallbackEndpoints();
        endpoints.MapThresholdEndpoints();
        endpoints.MapDeviceEndpoints();
        endpoints.MapHardExampleEndpoints();
        endpoints.MapModelEndpoints();
        endpoints.MapRolloutEndpoints();
        endpoints.MapTelemetryEndpoints();
        endpoints.MapLoadControlEndpoints();
        endpoints.MapObservabilityEndpoints();
        endpoints.MapSecurityEndpoints();
        return endpoints;
    }
}
