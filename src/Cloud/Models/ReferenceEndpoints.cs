namespace Edge.Cloud.Models;

using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.ModelTools.Data;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>/v1/models/{name}/reference</c>: the held-out set and accuracy floor every publish of a name is judged on. Only
/// an admin sets it, so a publisher token alone cannot choose what its own model is measured against.
/// </summary>
internal static class ReferenceEndpoints
{
    public static IEndpointRouteBuilder MapReferenceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var models = endpoints.MapGroup("/v1/models");
        models.MapPut("/{name}/reference", SetAsync).DisableAntiforgery().RequireAuthorization(EdgePolicies.Administer);
        models.MapGet("/{name}/reference", GetAsync).RequireAuthorization(EdgePolicies.View);
        return endpoints;
    }

    private static async Task<IResult> SetAsync(
        string name, HttpContext context, ReferenceStore store, IOptions<ModelRegistryOptions> options, TimeProvider time, ILogger<ReferenceStore> logger)
    {
        if (ModelNames.ValidateName(name) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        var ct = context.RequestAborted;
        var (form, error) = await ModelUpload.ReadFormAsync(
            context.Request, "multipart/form-data with parts 'data' (labelled JSON lines or a digit data set) and 'floor' (0 to 1)", options.Value.MaxUploadBytes, ct);
        if (form is null)
        {
            return error!;
        }

        var (floor, wrongFloor) = ReferenceData.ParseFloor(form.TryGetValue("floor", out var f) ? f.ToString() : null);
        if (wrongFloor is not null)
        {
            return Problems.BadRequest(wrongFloor);
        }

        var bytes = await ModelUpload.ReadPartAsync(form, "data", ct);
        if (bytes is not { Length: > 0 })
        {
            return Problems.BadRequest("the 'data' part is missing or empty: labelled held-out samples as JSON lines of {\"tensor\"|\"image\", \"label\"} or a digit data set");
        }

        LabeledData data;
        try
        {
            data = ReferenceData.Parse(bytes, name, options.Value.MaxDataValues);
        }
        catch (DataSetException e)
        {
            return Problems.BadRequest(e.Message);
        }

        var reference = new ModelReference
        {
            Name = name,
            Samples = data.Count,
            Form = data.Form,
            Floor = floor,
            SetAt = time.GetUtcNow(),
            SetBy = EdgeClaims.Actor(context.User),
        };
        await store.SetAsync(reference, bytes, ct);
        ModelsLog.ReferenceSet(logger, name, reference.Samples, reference.Floor, reference.SetBy);
        return TypedResults.Json(reference, EdgeJsonContext.Default.ModelReference);
    }

    private static async Task<IResult> GetAsync(string name, ReferenceStore store, CancellationToken ct)
    {
        if (ModelNames.ValidateName(name) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        return await store.FindAsync(name, ct) is { } reference
            ? TypedResults.Json(reference, EdgeJsonContext.Default.ModelReference)
            : Problems.NotFound($"model {name} has no reference set; an admin sets one with: edge models reference set {name} --data FILE --floor F");
    }
}
