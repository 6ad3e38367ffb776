namespace Edge.Agent.Api;

using Edge.Agent.Hosting.Readiness;

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

/// <summary><c>GET /v1/status/device</c>: the LED's state in words, what is being updated, and every component's reason.</summary>
internal static class DeviceStatusEndpoints
{
    public static IEndpointRouteBuilder MapDeviceStatusEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/v1/status/device", (DeviceStateSource state, DeviceHealth health, IUpdateActivity updates) =>
            Results.Json(new DeviceStatusResponse(state.Current, updates.Current, health.Components), DeviceStatusJsonContext.Default.DeviceStatusResponse));
        return endpoints;
    }
}

internal sealed record DeviceStatusResponse(DeviceState State, string? Updating, IReadOnlyList<ComponentHealth> Components);

[JsonSourceGenerationOptions(
    System.Text.Json.JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceStatusResponse))]
internal sealed partial class DeviceStatusJsonContext : JsonSerializerContext;
