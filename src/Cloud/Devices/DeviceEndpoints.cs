namespace Edge.Cloud.Devices;

using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

/// <summary><c>/v1/devices</c>: what each device last reported applying (how an operator sees a threshold land).</summary>
internal static class DeviceEndpoints
{
    public static IEndpointRouteBuilder MapDeviceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var reads = endpoints.MapGroup(string.Empty).RequireAuthorization(EdgePolicies.View);
        reads.MapGet("/v1/devices", async (ReportedConfigStore store, CancellationToken ct) =>
            TypedResults.Json([.. await store.GetAllAsync(ct)], EdgeJsonContext.Default.ReportedConfigArray));

        reads.MapGet("/v1/devices/{deviceId}", async (string deviceId, ReportedConfigStore store, CancellationToken ct) =>
        {
            if (ConfigRules.ValidateName(deviceId, "device id") is { } error)
            {
                return Problems.BadRequest(error);
            }

            return await store.GetAsync(deviceId, ct) is { } config
                ? TypedResults.Json(config, EdgeJsonContext.Default.ReportedConfig)
                : Problems.NotFound($"device '{deviceId}' has not reported its config");
        });
        return endpoints;
    }
}
