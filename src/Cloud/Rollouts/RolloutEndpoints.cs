namespace Edge.Cloud.Rollouts;

using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

/// <summary><c>/v1/rollouts</c> (create, list, show, resume, abort) and <c>/v1/keys</c> (the key devices must trust).</summary>
internal static class RolloutEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    private static readonly Dictionary<string, string> FieldHints = new(StringComparer.Ordinal)
    {
        ["$.model"] = "a string (a published model name)",
        ["$.version"] = "a string (a published version)",
        ["$.scope"] = $"one of {string.Join(", ", Enum.GetNames<ConfigScope>())}",
        ["$.target"] = "a string (group name or device id)",
        ["$.canaryPercent"] = "a number within [0, 100] (not a string)",
        ["$.maxFailureShare"] = "a number within [0, 1] (not a string)",
    };

    public static IEndpointRouteBuilder MapRolloutEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/keys", GetKey).RequireAuthorization(EdgePolicies.View);
        var rollouts = endpoints.MapGroup("/v1/rollouts").RequireAuthorization(EdgePolicies.View);
        rollouts.MapPost(string.Empty, CreateAsync).RequireAuthorization(EdgePolicies.Deploy);
        rollouts.MapGet(string.Empty, async (RolloutService service, CancellationToken ct) =>
            TypedResults.Json(await service.ListAsync(ct), EdgeJsonContext.Default.RolloutArray));
        rollouts.MapGet("/{id}", GetAsync);
        rollouts.MapPost("/{id}/resume", (string id, RolloutService service, CancellationToken ct) => RunAsync(id, () => service.ResumeAsync(id, ct))).RequireAuthorization(EdgePolicies.Deploy);
        rollouts.MapPost("/{id}/abort", (string id, RolloutService service, CancellationToken ct) => RunAsync(id, () => service.AbortAsync(id, ct))).RequireAuthorization(EdgePolicies.Deploy);
        return endpoints;
    }

    private static IResult GetKey(SigningKeyProvider signer)
    {
        try
        {
            var key = signer.Key;
            return TypedResults.Json(new SigningKeyInfo { KeyId = key.KeyId, PublicKey = key.PublicKey }, EdgeJsonContext.Default.SigningKeyInfo);
        }
        catch (InvalidOperationException e)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Signing key unavailable", e.Message);
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, RolloutService service, IOptions<RolloutOptions> options)
    {
        var ct = context.RequestAborted;
        var (request, bodyError) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.RolloutRequest, MaxBodyBytes, FieldHints, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (plan, error) = RolloutPlan.From(request!, options.Value);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        try
        {
            var rollout = await service.CreateAsync(plan!, ct);
            context.Response.Headers.Location = $"/v1/rollouts/{rollout.Id}";
            return TypedResults.Json(rollout, EdgeJsonContext.Default.Rollout, statusCode: StatusCodes.Status201Created);
        }
        catch (RolloutException e)
        {
            return Problems.Create(e.Status, e.Title, e.Message);
        }
    }

    private static async Task<IResult> GetAsync(string id, RolloutService service, CancellationToken ct)
    {
        if (ConfigRules.ValidateName(id, "rollout id") is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        return await service.GetAsync(id, ct) is { } rollout
            ? TypedResults.Json(rollout, EdgeJsonContext.Default.Rollout)
            : Problems.NotFound($"rollout '{id}' does not exist");
    }

    private static async Task<IResult> RunAsync(string id, Func<Task<Rollout>> operation)
    {
        if (ConfigRules.ValidateName(id, "rollout id") is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        try
        {
            return TypedResults.Json(await operation(), EdgeJsonContext.Default.Rollout);
        }
        catch (RolloutException e)
        {
            return Problems.Create(e.Status, e.Title, e.Message);
        }
    }
}
