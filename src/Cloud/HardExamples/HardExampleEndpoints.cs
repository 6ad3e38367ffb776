namespace Edge.Cloud.HardExamples;

using System.Buffers;
using System.Text.Json;
using Edge.Cloud.Admission;
using Edge.Cloud.Hosting;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Edge.Shared.HardExamples;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>/v1/hard-examples</c>: devices upload what they answered LocalDegraded; each new sample is labelled by the
/// cloud model and stored once per id; operators list and export them.
/// </summary>
internal static class HardExampleEndpoints
{
    private static readonly Dictionary<string, string> FieldHints = new(StringComparer.Ordinal)
    {
        ["$.deviceId"] = "a string",
        ["$.items"] = "an array of hard examples",
    };

    public static IEndpointRouteBuilder MapHardExampleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/hard-examples", UploadAsync).RequireAuthorization(EdgePolicies.Device);
        endpoints.MapGet("/v1/hard-examples", ListAsync).RequireAuthorization(EdgePolicies.View);
        endpoints.MapGet("/v1/hard-examples/export", ExportAsync).RequireAuthorization(EdgePolicies.View);
        return endpoints;
    }

    private static async Task<IResult> UploadAsync(
        HttpContext context,
        HardExampleRepository repository,
        HardExampleLabeler labeler,
        AdmissionGate gate,
        IOptions<HardExampleOptions> options,
        TimeProvider time)
    {
        var ct = context.RequestAborted;
        var o = options.Value;
        var (upload, bodyError) = await JsonBody.ReadAsync(context.Request, EdgeJsonContext.Default.HardExampleUpload, o.MaxBatchBytes, FieldHints, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!EdgeClaims.MaySpeakFor(context.User, upload!.DeviceId))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                $"a device uploads only its own hard examples: this credential belongs to '{EdgeClaims.DeviceOf(context.User)}', not '{upload.DeviceId}'");
        }

        if (HardExampleRules.Validate(upload, o) is { } invalid)
        {
            return invalid.TooLarge
                ? Problems.Create(StatusCodes.Status413PayloadTooLarge, "Batch too large", invalid.Reason)
                : Problems.BadRequest(invalid.Reason);
        }

        if (!labeler.Ready)
        {
            // Stored unlabelled they would stay so; the device keeps them and retries.
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Model unavailable", "the cloud model is not loaded; retry later");
        }

        // Labelling uses the inference slots: share them fairly with /v1/infer (the device backs off on 429).
        using var lease = await gate.EnterAsync(ct);
        if (!lease.Admitted)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problems.Create(StatusCodes.Status429TooManyRequests, "Cloud at capacity", "too many inferences running; retry later");
        }

        var items = upload!.Items!;
        var existing = await repository.FindExistingAsync(items.Select(i => i.Id), ct);
        var rows = new List<(HardExampleItem, CloudLabel)>(items.Length);
        foreach (var item in items.Where(i => !existing.Contains(i.Id)))
        {
            rows.Add((item, await labeler.LabelAsync(item.ContentType!, item.Payload, ct)));
        }

        var accepted = await repository.InsertAsync(upload.DeviceId!, rows, labeler.ModelId, time.GetUtcNow(), ct);
        var acceptedSet = accepted.ToHashSet();
        var ack = new HardExampleAck
        {
            Accepted = [.. accepted],
            Duplicates = [.. items.Select(i => i.Id).Where(id => !acceptedSet.Remove(id))],
        };
        return TypedResults.Json(ack, EdgeJsonContext.Default.HardExampleAck);
    }

    private static async Task<IResult> ListAsync(string? device, int? limit, HardExampleRepository repository, IOptions<HardExampleOptions> options, CancellationToken ct)
    {
        if (device is not null && ConfigRules.ValidateName(device, "device") is { } error)
        {
            return Problems.BadRequest(error);
        }

        var max = options.Value.MaxListLimit;
        if (limit is < 1 || limit > max)
        {
            return Problems.BadRequest($"limit must be between 1 and {max}");
        }

        return TypedResults.Json(await repository.ListAsync(device, limit ?? 100, ct), EdgeJsonContext.Default.StoredHardExampleArray);
    }

    /// <summary>JSON lines, one <see cref="StoredHardExample"/> each with its payload, oldest first.</summary>
    private static async Task ExportAsync(HttpContext context, string? device, HardExampleRepository repository)
    {
        if (device is not null && ConfigRules.ValidateName(device, "device") is { } error)
        {
            await Problems.BadRequest(error).ExecuteAsync(context);
            return;
        }

        var ct = context.RequestAborted;
        context.Response.ContentType = "application/x-ndjson";
        var body = context.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(body);
        await foreach (var row in repository.ExportAsync(device, ct))
        {
            JsonSerializer.Serialize(json, row, EdgeJsonContext.Default.StoredHardExample);
            await json.FlushAsync(ct);
            json.Reset();
            body.Write("\n"u8);
            await body.FlushAsync(ct);
        }
    }
}
