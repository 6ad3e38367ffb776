namespace Edge.Cloud.Security;

using Edge.Cloud.Hosting;
using Edge.Cloud.Mqtt;
using Edge.Shared.Config;
using Edge.Shared.Security;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>/v1/tokens</c> (operator API tokens) and <c>/v1/devices/{id}/enroll|revoke</c> (device credentials); admin only.
/// A secret appears once, in the answer that creates it.
/// </summary>
internal static class SecurityEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapSecurityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var tokens = endpoints.MapGroup("/v1/tokens").RequireAuthorization(EdgePolicies.Administer);
        tokens.MapPost(string.Empty, CreateTokenAsync);
        tokens.MapGet(string.Empty, async (ApiTokenStore store, CancellationToken ct) =>
            TypedResults.Json([.. (await store.ListAsync(ct)).Where(t => t.DeviceId is null)], EdgeJsonContext.Default.ApiTokenInfoArray));
        tokens.MapDelete("/{id}", async (string id, ApiTokenStore store, CancellationToken ct) =>
            await store.RevokeAsync(id, ct) ? Results.NoContent() : Problems.NotFound($"no live token has id '{id}'"));

        var devices = endpoints.MapGroup("/v1/devices/{deviceId}").RequireAuthorization(EdgePolicies.Administer);
        devices.MapPost("/enroll", EnrollAsync);
        devices.MapPost("/revoke", async (string deviceId, DeviceEnrollments enrollments, CancellationToken ct) =>
            ConfigRules.ValidateName(deviceId, "device id") is { } error ? Problems.BadRequest(error)
            : await enrollments.RevokeAsync(deviceId, ct) ? Results.NoContent()
            : Problems.NotFound($"device '{deviceId}' has no credential to revoke"));
        return endpoints;
    }

    private static async Task<IResult> CreateTokenAsync(HttpContext context, ApiTokenStore store)
    {
        var ct = context.RequestAborted;
        var (request, error) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.ApiTokenRequest, MaxBodyBytes, null, ct);
        if (error is not null)
        {
            return error;
        }

        if (TokenNames.Validate(request!.Name) is { } nameError)
        {
            return Problems.BadRequest(nameError);
        }

        if (!EdgeRoles.IsOperatorRole(request.Role))
        {
            return Problems.BadRequest($"role must be one of {string.Join(", ", EdgeRoles.OperatorRoles)}");
        }

        var created = await store.CreateAsync(request.Name!, request.Role!, EdgeClaims.Actor(context.User), deviceId: null, ct);
        return TypedResults.Json(created, EdgeJsonContext.Default.CreatedApiToken, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> EnrollAsync(string deviceId, HttpContext context, DeviceEnrollments enrollments, IOptions<CloudMqttOptions> mqtt)
    {
        var ct = context.RequestAborted;
        if (ConfigRules.ValidateName(deviceId, "device id") is { } idError)
        {
            return Problems.BadRequest(idError);
        }

        // The device's id is its broker username and client id: the cloud's would give it the cloud's access and session.
        if (deviceId == mqtt.Value.ClientId || deviceId == mqtt.Value.Username)
        {
            return Problems.BadRequest($"device id '{deviceId}' is the cloud's own MQTT client id or username");
        }

        var (request, error) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.DeviceEnrollRequest, MaxBodyBytes, null, ct);
        if (error is not null)
        {
            return error;
        }

        if (ConfigRules.ValidateName(request!.Group, "group") is { } groupError)
        {
            return Problems.BadRequest(groupError);
        }

        var credentials = await enrollments.EnrollAsync(deviceId, request.Group!, EdgeClaims.Actor(context.User), ct);
        return TypedResults.Json(credentials, EdgeJsonContext.Default.DeviceCredentials, statusCode: StatusCodes.Status201Created);
    }
}
