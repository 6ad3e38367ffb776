namespace Edge.Agent.Api;

using System.Text.Json;
using Edge.Agent.Observability;
using Edge.Agent.Routing;
using Edge.Inference;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

internal static class InferenceApi
{
    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/v1/infer", InferAsync);
        return endpoints;
    }

    /// <summary>
    /// <c>application/json</c> <see cref="TensorPayload"/> in raw units, or <c>image/png</c> / <c>image/jpeg</c> bytes.
    /// Bad input is a 4xx with a ProblemDetails <c>detail</c> saying what to fix; a cloud problem never fails the request.
    /// </summary>
    private static async Task<IResult> InferAsync(
        HttpContext http, InferenceRouter router, AgentMetrics metrics, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var contentType = http.Request.ContentType;
        var isJson = ContentTypes.IsJson(contentType);
        if (!isJson && !ContentTypes.IsImage(contentType))
        {
            return Problem(
                metrics, ErrorReasons.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType,
                $"unsupported content type '{contentType}'; send {ContentTypes.Json} (a tensor), {ContentTypes.Png} or {ContentTypes.Jpeg}");
        }

        var maxBytes = options.Value.MaxBodyBytes;
        using var body = await PooledBody.ReadAsync(http.Request, maxBytes, cancellationToken);
        if (body is null)
        {
            return Problem(
                metrics, ErrorReasons.BodyTooLarge, StatusCodes.Status413PayloadTooLarge, $"the body exceeds {maxBytes} bytes");
        }

        TensorPayload? tensor = null;
        if (isJson)
        {
            try
            {
                tensor = JsonSerializer.Deserialize(body.Memory.Span, EdgeJsonContext.Default.TensorPayload);
            }
            catch (JsonException e)
            {
                return Problem(metrics, ErrorReasons.BadJson, StatusCodes.Status400BadRequest, $"malformed JSON: {e.Message}");
            }

            if (tensor is null)
            {
                return Problem(
                    metrics, ErrorReasons.BadJson, StatusCodes.Status400BadRequest, "the body must be a JSON object {\"shape\": [...], \"data\": [...]}");
            }
        }

        try
        {
            var answer = await router.InferAsync(new InferenceRequest(body.Memory, contentType!, tensor), cancellationToken);
            return Results.Json(answer, EdgeJsonContext.Default.InferenceAnswer);
        }
        catch (InvalidInputException e)
        {
            return Problem(metrics, ErrorReasons.InvalidInput, StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static IResult Problem(AgentMetrics metrics, string reason, int status, string detail)
    {
        metrics.RecordError(reason);
        return Results.Problem(detail: detail, statusCode: status);
    }
}

/// <summary>The closed set of <c>reason</c> labels on <c>edge_agent_request_errors_total</c>.</summary>
internal static class ErrorReasons
{
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string BodyTooLarge = "body-too-large";
    public const string BadJson = "bad-json";
    public const string InvalidInput = "invalid-input";
}
