namespace Edge.Agent.Api;

using Edge.Agent.CloudClient;
using Edge.Agent.Observability;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

internal static class HealthEndpoints
{
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // The model loads before the server listens, so answering at all means it is loaded.
        endpoints.MapGet("/healthz", (IModelInfo model, LiveConfig live) => Results.Json(
            new HealthResponse("ok", model.ModelName, model.ModelVersion, model.ExecutionProvider, live.Current.Threshold),
            AgentJsonContext.Default.HealthResponse));

        endpoints.MapGet("/metrics", (PrometheusWriter writer) => Results.Text(writer.Write(), PrometheusContentType));

        endpoints.MapGet("/v1/status", (IModelInfo model, LiveConfig live, CloudCircuit circuit, CloudThrottle throttle, IOptions<CloudClientOptions> cloud, IServiceProvider services) =>
        {
            // The latest update report (null before the first one, or when updates are not registered).
            var update = services.GetService<Updater.UpdateStatusReporter>()?.Latest;
            var s = live.Current;
            return Results.Json(
                new StatusResponse(
                    s.Threshold, s.ThresholdSource, s.AuditSampleRate, s.ScoreFunction, model.ModelName, model.ModelVersion, model.ExecutionProvider,
                    new CloudLinkStatus(cloud.Value.BaseUrl, circuit.State.ToString(), throttle.Until),
                    update),
                AgentJsonContext.Default.StatusResponse);
        });
        return endpoints;
    }
}
