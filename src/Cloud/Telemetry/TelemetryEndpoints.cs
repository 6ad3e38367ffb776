namespace Edge.Cloud.Telemetry;

using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

/// <summary><c>/v1/telemetry</c>: the groups' recent telemetry as the load controller sees it.</summary>
internal static class TelemetryEndpoints
{
    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var reads = endpoints.MapGroup(string.Empty).RequireAuthorization(EdgePolicies.View);
        reads.MapGet("/v1/telemetry/groups", (TelemetryAggregator aggregator) =>
            TypedResults.Json([.. aggregator.Groups().Select(g => aggregator.Group(g)).OfType<Edge.Shared.Telemetry.GroupTelemetry>()], CloudJsonContext.Default.GroupTelemetryArray));

        reads.MapGet("/v1/telemetry/groups/{group}", (string group, TelemetryAggregator aggregator) =>
        {
            if (ConfigRules.ValidateName(group, "group") is { } error)
            {
                return Problems.BadRequest(error);
            }

            return aggregator.Group(group) is { } telemetry
                ? TypedResults.Json(telemetry, EdgeJsonContext.Default.GroupTelemetry)
                : Problems.NotFound($"group '{group}' has sent no telemetry in the last {aggregator.Horizon.TotalSeconds:0} s");
        });

        reads.MapGet("/v1/telemetry/devices/{deviceId}", (string deviceId, TelemetryAggregator aggregator) =>
        {
            if (ConfigRules.ValidateName(deviceId, "device id") is { } error)
            {
                return Problems.BadRequest(error);
            }

            return aggregator.Latest(deviceId) is { } window
                ? TypedResults.Json(window, EdgeJsonContext.Default.TelemetryWindow)
                : Problems.NotFound($"device '{deviceId}' has sent no telemetry");
        });
        return endpoints;
    }
}
