namespace Edge.Cloud.Thresholds;

using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

/// <summary><c>/v1/thresholds/.../bounds</c>: operator limits per scope (see <see cref="BoundsRepository"/>).</summary>
internal static class BoundsEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    private static readonly Dictionary<string, string> FieldHints = new(StringComparer.Ordinal)
    {
        ["$.min"] = $"a number within [{ConfigRules.MinThreshold}, {ConfigRules.MaxThreshold}] (not a string)",
        ["$.max"] = $"a number within [{ConfigRules.MinThreshold}, {ConfigRules.MaxThreshold}] (not a string)",
        ["$.by"] = "a string",
        ["$.reason"] = "a string",
    };

    public static RouteGroupBuilder MapBoundsEndpoints(this RouteGroupBuilder thresholds)
    {
        thresholds.MapGet("/bounds", async (BoundsRepository bounds, CancellationToken ct) =>
            TypedResults.Json([.. await bounds.GetAllAsync(ct)], EdgeJsonContext.Default.ScopeBoundsArray));
        thresholds.MapGet("/fleet/bounds", (BoundsRepository b, CancellationToken ct) => GetAsync(b, ConfigScope.Fleet, null, ct));
        thresholds.MapPut("/fleet/bounds", (HttpContext c, ThresholdService s) => PutAsync(c, s, ConfigScope.Fleet, null)).RequireAuthorization(EdgePolicies.Operate);
        thresholds.MapGet("/groups/{group}/bounds", (string group, BoundsRepository b, CancellationToken ct) => GetAsync(b, ConfigScope.Group, group, ct));
        thresholds.MapPut("/groups/{group}/bounds", (string group, HttpContext c, ThresholdService s) => PutAsync(c, s, ConfigScope.Group, group)).RequireAuthorization(EdgePolicies.Operate);
        thresholds.MapGet("/devices/{deviceId}/bounds", (string deviceId, BoundsRepository b, CancellationToken ct) => GetAsync(b, ConfigScope.Device, deviceId, ct));
        thresholds.MapPut("/devices/{deviceId}/bounds", (string deviceId, HttpContext c, ThresholdService s) => PutAsync(c, s, ConfigScope.Device, deviceId)).RequireAuthorization(EdgePolicies.Operate);
        return thresholds;
    }

    private static async Task<IResult> GetAsync(BoundsRepository bounds, ConfigScope scope, string? target, CancellationToken ct)
    {
        if (ThresholdService.ValidateTarget(scope, target) is { } error)
        {
            return Problems.BadRequest(error);
        }

        return await bounds.GetAsync(scope, target, ct) is { } stored
            ? TypedResults.Json(stored, EdgeJsonContext.Default.ScopeBounds)
            : Problems.NotFound(scope == ConfigScope.Fleet ? "no fleet bounds are stored" : $"no bounds are stored for {scope.ToString().ToLowerInvariant()} '{target}'");
    }

    private static async Task<IResult> PutAsync(HttpContext context, ThresholdService service, ConfigScope scope, string? target)
    {
        if (ThresholdService.ValidateTarget(scope, target) is { } targetError)
        {
            return Problems.BadRequest(targetError);
        }

        var (request, bodyError) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.ThresholdBounds, MaxBodyBytes, FieldHints, context.RequestAborted);
        if (bodyError is not null)
        {
            return bodyError;
        }

        request!.By = EdgeClaims.Actor(context.User);
        try
        {
            var stored = await service.SetBoundsAsync(scope, target, request!, "PUT " + context.Request.Path, context.RequestAborted);
            return TypedResults.Json(stored, EdgeJsonContext.Default.ScopeBounds);
        }
        catch (ArgumentException ex)
        {
            return Problems.BadRequest(ex.Message.Split(" (Parameter", 2)[0]);
        }
    }
}
