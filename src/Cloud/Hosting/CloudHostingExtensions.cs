namespace Edge.Cloud;

using Edge.Cloud.Admission;
using Edge.Cloud.Devices;
using Edge.Cloud.Hosting;
using Edge.Cloud.Inference;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Observability;
using Edge.Cloud.Storage;
using Edge.Cloud.Thresholds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Serilog;

public static class CloudHostingExtensions
{
    /// <summary>
    /// Everything the cloud runs, one feature at a time. Order matters for hosted services (they start in this
    /// order and stop in reverse): the schema first, then the model, then the broker, then the MQTT client.
    /// </summary>
    public static IHostApplicationBuilder AddCloudServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<CloudOptions>()
            .BindConfiguration(CloudOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddStorage();
        builder.AddCloudObservability();
        builder.AddAdmission();
        builder.AddCloudInference();
        builder.AddThresholds();
        builder.AddDevices();
        HardExamples.HardExamplesRegistration.AddHardExamples(builder);
        Models.ModelsRegistration.AddModelRegistry(builder);
        Rollouts.RolloutsRegistration.AddRollouts(builder);
        Telemetry.TelemetryRegistration.AddTelemetry(builder);
        LoadControl.LoadControlRegistration.AddLoadControl(builder);
        builder.AddCloudMqtt();
        return builder;
    }

    public static IEndpointRouteBuilder MapCloudEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapInferEndpoint();
        endpoints.MapThresholdEndpoints();
        endpoints.MapDeviceEndpoints();
        HardExamples.HardExampleEndpoints.MapHardExampleEndpoints(endpoints);
        Models.ModelEndpoints.MapModelEndpoints(endpoints);
        Rollouts.RolloutEndpoints.MapRolloutEndpoints(endpoints);
        Telemetry.TelemetryEndpoints.MapTelemetryEndpoints(endpoints);
        LoadControl.LoadControlEndpoints.MapLoadControlEndpoints(endpoints);
        endpoints.MapHealthAndMetrics();
        return endpoints;
    }
}
