namespace Edge.Cloud.Observability;

using System.Text;
using Edge.Cloud.Admission;
using Edge.Cloud.Fallback;
using Edge.Cloud.Hosting;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

internal static class ObservabilityEndpoints
{
    /// <summary>
    /// <c>/healthz</c> answers 503 only without a model (the cloud cannot do its main job); MQTT being down is
    /// reported as degraded with 200, because restarting the cloud would not bring an external broker back.
    /// </summary>
    public static IEndpointRouteBuilder MapObservabilityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", (HttpContext context, CloudModel model, CloudMqttClient mqtt, AdmissionGate gate) =>
        {
            // A probe needs the status; file paths in a load error and the broker's address are for operators.
            var operatorView = context.User.Identity?.IsAuthenticated == true;
            var report = new HealthReport
            {
                Status = model.Model is not null && mqtt.IsConnected ? "ok" : "degraded",
                Model = model.Id,
                ModelError = operatorView ? model.LoadError : null,
                MqttConnected = mqtt.IsConnected,
                MqttEndpoint = operatorView ? mqtt.Endpoint : null,
                InferRunning = gate.Running,
                InferQueued = gate.Queued,
            };
            return TypedResults.Json(
                report,
                CloudJsonContext.Default.HealthReport,
                statusCode: model.Model is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        })

            // Liveness and readiness probes (systemd, Kubernetes, a load balancer) carry no credential.
            .AllowAnonymous();

        endpoints.MapGet("/metrics", (CloudMetrics metrics, AdmissionGate gate, CloudMqttClient mqtt) =>
        {
            var text = new StringBuilder(4096);
            metrics.WriteTo(text, gate.Running, gate.Queued, mqtt.IsConnected);
            return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        }).RequireAuthorization(EdgePolicies.View);
        return endpoints;
    }
}
