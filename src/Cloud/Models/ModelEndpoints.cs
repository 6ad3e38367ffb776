namespace Edge.Cloud.Models;

using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

/// <summary><c>/v1/models</c>: publish (optionally as INT8), list versions, read a manifest, download a file; the reference sets (<see cref="ReferenceEndpoints"/>).</summary>
internal static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var models = endpoints.MapGroup("/v1/models").RequireAuthorization(EdgePolicies.View);
        models.MapGet(string.Empty, async (string? name, ModelStore store, CancellationToken ct) =>
            TypedResults.Json(await store.ListAsync(name, ct), EdgeJsonContext.Default.PublishedModelArray));
        models.MapPost("/{name}/{version}", PublishAsync).DisableAntiforgery().RequireAuthorization(EdgePolicies.Publish);
        models.MapGet("/{name}/{version}", GetManifestAsync);
        models.MapGet("/{name}/{version}/file", GetFileAsync);
        endpoints.MapReferenceEndpoints();
        return endpoints;
    }

    private static async Task<IResult> PublishAsync(
        string name, string version, string? quantize, string? method, [FromQuery] string[]? exclude, string? noGate,
        HttpContext context, ModelPublisher publisher, IOptions<ModelRegistryOptions> options)
    {
        if (ModelNames.Validate(name, version) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        var (publish, wrong) = PublishOptions.Parse(quantize, method, exclude, noGate);
        if (wrong is not null)
        {
            return Problems.BadRequest(wrong);
        }

        var ct = context.RequestAborted;
        var (upload, error) = await ModelUpload.ReadAsync(context.Request, name, version, publish!, options.Value.MaxUploadBytes, ct);
        if (error is not null)
        {
            return error;
        }

        try
        {
            var manifest = await publisher.PublishAsync(upload!, ct);
            return TypedResults.Json(manifest, EdgeJsonContext.Default.ModelManifest, statusCode: StatusCodes.Status201Created);
        }
        catch (ModelPublishException e)
        {
            return Problems.Create(e.Status, e.Title, e.Message);
        }
    }

    private static async Task<IResult> GetManifestAsync(string name, string version, ModelStore store, CancellationToken ct)
    {
        if (ModelNames.Validate(name, version) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        return await store.ManifestJsonAsync(name, version, ct) is { } json
            ? TypedResults.Text(json, "application/json")
            : Problems.NotFound($"model {name} version {version} is not published");
    }

    private static async Task<IResult> GetFileAsync(string name, string version, ModelStore store, CancellationToken ct)
    {
        if (ModelNames.Validate(name, version) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        var path = store.ModelPath(name, version);
        return await store.ExistsAsync(name, version, ct) && File.Exists(path)
            ? TypedResults.PhysicalFile(path, "application/octet-stream", ModelStore.FileName(name, version))
            : Problems.NotFound($"model {name} version {version} is not published");
    }
}
