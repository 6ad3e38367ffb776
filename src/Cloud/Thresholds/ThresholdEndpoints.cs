namespace Edge.Cloud.Thresholds;

using System.Globalization;
using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

/// <summary>
/// <c>/v1/thresholds</c>: read and change the threshold settings per fleet, group and device.
/// A PUT replaces the scope's setting with exactly the fields in the body (see <see cref="ThresholdService.SetAsync"/>);
/// a DELETE clears the scope so devices fall back to the less specific ones.
/// </summary>
internal static class ThresholdEndpoints
{
    private const long MaxBodyBytes = 64 * 1024;

    /// <summary>Header on PUT/DELETE answers: false when the broker was unreachable and publishing is deferred.</summary>
    public const string PublishedHeader = "Edge-Config-Published";

    private static readonly Dictionary<string, string> FieldHints = new(StringComparer.Ordinal)
    {
        ["$.threshold"] = $"a number within [{ConfigRules.MinThreshold}, {ConfigRules.MaxThreshold}] (not a string)",
        ["$.auditSampleRate"] = "a number within [0, 1] (not a string)",
        ["$.scoreFunction"] = $"one of {string.Join(", ", Enum.GetNames<ScoreFunction>())}",
        ["$.by"] = "a string",
        ["$.reason"] = "a string",
    };

    public static IEndpointRouteBuilder MapThresholdEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var thresholds = endpoints.MapGroup("/v1/thresholds").RequireAuthorization(EdgePolicies.View);
        thresholds.MapGet(string.Empty, GetAllAsync);
        thresholds.MapGet("/audit", GetAuditAsync);

        thresholds.MapGet("/fleet", (ThresholdRepository repository, CancellationToken ct) => GetAsync(repository, ConfigScope.Fleet, null, ct));
        thresholds.MapPut("/fleet", (HttpContext context, ThresholdService service) => PutAsync(context, service, ConfigScope.Fleet, null)).RequireAuthorization(EdgePolicies.Operate);

        thresholds.MapGet("/groups/{group}", (string group, ThresholdRepository repository, CancellationToken ct) => GetAsync(repository, ConfigScope.Group, group, ct));
        thresholds.MapPut("/groups/{group}", (string group, HttpContext context, ThresholdService service) => PutAsync(context, service, ConfigScope.Group, group)).RequireAuthorization(EdgePolicies.Operate);
        thresholds.MapDelete("/groups/{group}", (string group, HttpContext context, ThresholdService service) => DeleteAsync(context, service, ConfigScope.Group, group)).RequireAuthorization(EdgePolicies.Operate);

        thresholds.MapGet("/devices/{deviceId}", (string deviceId, ThresholdRepository repository, CancellationToken ct) => GetAsync(repository, ConfigScope.Device, deviceId, ct));
        thresholds.MapPut("/devices/{deviceId}", (string deviceId, HttpContext context, ThresholdService service) => PutAsync(context, service, ConfigScope.Device, deviceId)).RequireAuthorization(EdgePolicies.Operate);
        thresholds.MapDelete("/devices/{deviceId}", (string deviceId, HttpContext context, ThresholdService service) => DeleteAsync(context, service, ConfigScope.Device, deviceId)).RequireAuthorization(EdgePolicies.Operate);
        thresholds.MapPost("/epoch", ResetEpochAsync).RequireAuthorization(EdgePolicies.Administer);
        thresholds.MapBoundsEndpoints();
        return endpoints;
    }

    private static async Task<IResult> GetAllAsync(ThresholdRepository repository, CancellationToken ct)
    {
        var all = await repository.GetAllAsync(includeCleared: false, ct);
        return TypedResults.Json([.. all], EdgeJsonContext.Default.ScopeSettingArray);
    }

    // The limit is read as a string: a bound int? answers "limit=abc" with a bare 400 and no reason.
    private static async Task<IResult> GetAuditAsync(AuditLog audit, string? limit, CancellationToken ct)
    {
        var count = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 10_000))
        {
            return Problems.BadRequest("limit must be a whole number within [1, 10000]");
        }

        var entries = await audit.ReadAsync(count, ct);
        return TypedResults.Json([.. entries], CloudJsonContext.Default.AuditEntryArray);
    }

    private static async Task<IResult> GetAsync(ThresholdRepository repository, ConfigScope scope, string? target, CancellationToken ct)
    {
        var error = ThresholdService.ValidateTarget(scope, target);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        var setting = await repository.GetAsync(scope, target, ct);
        return setting is null
            ? Problems.NotFound(scope == ConfigScope.Fleet ? "no fleet setting is stored" : $"no setting is stored for {Describe(scope)} '{target}'")
            : TypedResults.Json(setting, EdgeJsonContext.Default.ScopeSetting);
    }

    private static async Task<IResult> PutAsync(HttpContext context, ThresholdService service, ConfigScope scope, string? target)
    {
        var ct = context.RequestAborted;
        var targetError = ThresholdService.ValidateTarget(scope, target);
        if (targetError is not null)
        {
            return Problems.BadRequest(targetError);
        }

        var (update, bodyError) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.ThresholdUpdate, MaxBodyBytes, FieldHints, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        // The audit names the credential that made the change, whatever the body says.
        update!.By = EdgeClaims.Actor(context.User);
        var error = ThresholdService.Validate(scope, target, update);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        ThresholdResult result;
        try
        {
            result = await service.SetAsync(scope, target, update!, "PUT " + context.Request.Path, ct);
        }
        catch (ArgumentException ex)
        {
            // Bounds are checked against the store, so only SetAsync can tell.
            return Problems.BadRequest(ex.Message.Split(" (Parameter", 2)[0]);
        }

        context.Response.Headers[PublishedHeader] = result.Published ? "true" : "false";
        return TypedResults.Json(result.Setting, EdgeJsonContext.Default.ScopeSetting);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ThresholdService service, ConfigScope scope, string target)
    {
        var by = EdgeClaims.Actor(context.User);
        var error = ThresholdService.ValidateTarget(scope, target) ?? ThresholdService.ValidateBy(by);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        var result = await service.ClearAsync(scope, target, by, "DELETE " + context.Request.Path, context.RequestAborted);
        if (result is null)
        {
            return Problems.NotFound($"no setting is stored for {Describe(scope)} '{target}'");
        }

        context.Response.Headers[PublishedHeader] = result.Published ? "true" : "false";
        return TypedResults.Json(result.Setting, EdgeJsonContext.Default.ScopeSetting);
    }

    /// <summary>Undoes a forged desired config that outranks the cloud's versions: a new epoch, everything republished.</summary>
    private static async Task<IResult> ResetEpochAsync(HttpContext context, ThresholdService service)
    {
        var result = await service.ResetEpochAsync(EdgeClaims.Actor(context.User), context.RequestAborted);
        context.Response.Headers[PublishedHeader] = result.Republished is null ? "false" : "true";
        return TypedResults.Json(result, EdgeJsonContext.Default.ConfigEpochReset);
    }

    private static string Describe(ConfigScope scope) => scope == ConfigScope.Group ? "group" : "device";
}
