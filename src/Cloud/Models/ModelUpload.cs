namespace Edge.Cloud.Models;

using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cloud.Hosting;
using Edge.ModelTools.Data;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

/// <summary>
/// One publish request: a multipart form with <c>model</c> (the FP32 ONNX file), <c>manifest</c> (a
/// <see cref="ModelManifest"/> without sha256/size; name, version and file come from the route) and optional
/// <c>calibration</c> / <c>heldout</c> data in the model's own input form (<see cref="LabeledData"/>: JSON lines
/// of tensors or base64 images, or a digit data set). There is no default data: a set the model was not trained
/// for would score it meaninglessly.
/// </summary>
internal sealed record ModelUpload(
    string Name,
    string Version,
    PublishOptions Options,
    byte[] Model,
    ModelManifest Manifest,
    LabeledData? Calibration,
    LabeledData? HeldOut)
{
    public bool Quantize => Options.Quantize;

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The upload, or an error result to send back as is.</summary>
    public static async Task<(ModelUpload? Upload, IResult? Error)> ReadAsync(
        HttpRequest request, string name, string version, PublishOptions options, long maxBytes, CancellationToken cancellationToken)
    {
        var (form, failed) = await ReadFormAsync(request, "multipart/form-data with parts 'model' (ONNX) and 'manifest' (JSON)", maxBytes, cancellationToken);
        if (form is null)
        {
            return (null, failed);
        }

        var model = await ReadPartAsync(form, "model", cancellationToken);
        if (model is not { Length: > 0 })
        {
            return (null, Problems.BadRequest("the 'model' part (the FP32 ONNX file) is missing or empty"));
        }

        var manifestBytes = await ReadPartAsync(form, "manifest", cancellationToken);
        if (manifestBytes is null)
        {
            return (null, Problems.BadRequest("the 'manifest' part (a model manifest JSON: input, output, labels, temperature) is missing"));
        }

        try
        {
            var manifest = ParseManifest(manifestBytes, name, version);
            var calibration = await ReadDatasetAsync(form, "calibration", cancellationToken);
            var heldOut = await ReadDatasetAsync(form, "heldout", cancellationToken);
            return (new ModelUpload(name, version, options, model, manifest, calibration, heldOut), null);
        }
        catch (Exception e) when (e is JsonException or DataSetException)
        {
            return (null, Problems.BadRequest(e.Message));
        }
    }

    /// <summary>A multipart form of at most <paramref name="maxBytes"/>, or the error to send back (415, 413, 400).</summary>
    public static async Task<(IFormCollection? Form, IResult? Error)> ReadFormAsync(HttpRequest request, string accepted, long maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || !(request.ContentType ?? string.Empty).StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.UnsupportedMediaType(request.ContentType, accepted));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.TooLarge(maxBytes));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        try
        {
            return (await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes, ValueLengthLimit = (int)Math.Min(maxBytes, int.MaxValue) }, cancellationToken), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(maxBytes));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.TooLarge(maxBytes));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, Problems.BadRequest($"the multipart form cannot be read: {e.Message}"));
        }
    }

    /// <summary>A part sent either as a file or as a plain form field.</summary>
    public static async Task<byte[]?> ReadPartAsync(IFormCollection form, string part, CancellationToken cancellationToken)
    {
        if (form.Files.GetFile(part) is { } file)
        {
            using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
            await file.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }

        return form.TryGetValue(part, out var value) && value.Count > 0 ? System.Text.Encoding.UTF8.GetBytes(value.ToString()) : null;
    }

    private static ModelManifest ParseManifest(byte[] json, string name, string version)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new JsonException($"the 'manifest' part is not valid JSON: {e.Message}", e);
        }

        if (node is not JsonObject manifest)
        {
            throw new JsonException("the 'manifest' part must be a JSON object");
        }

        // The route names the model; the pipeline names the file and computes sha256/size.
        manifest["name"] = name;
        manifest["version"] = version;
        manifest["file"] = ModelStore.FileName(name, version);
        try
        {
            return manifest.Deserialize(EdgeJsonContext.Default.ModelManifest) ?? throw new JsonException("the 'manifest' part is null");
        }
        catch (JsonException e)
        {
            throw new JsonException($"the 'manifest' part is not a model manifest: {e.Message.Split(" Path:", 2)[0]} (at {e.Path ?? "$"})", e);
        }
    }

    private static async Task<LabeledData?> ReadDatasetAsync(IFormCollection form, string part, CancellationToken cancellationToken)
    {
        var bytes = await ReadPartAsync(form, part, cancellationToken);
        return bytes is null ? null : LabeledData.Parse(bytes, $"{part} part");
    }
}
