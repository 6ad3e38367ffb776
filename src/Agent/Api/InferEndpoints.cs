namespace Edge.Agent.Api;

using Edge.Agent.Observability;
using Edge.Agent.Routing;
using Edge.Inference;
using Edge.Inference.AspNetCore;
using Edge.Shared.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

internal static class InferEndpoints
{
    public static IEndpointRouteBuilder MapInferEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/v1/infer", InferAsync);
        return endpoints;
    }

    /// <summary>
    /// <c>application/json</c> <c>TensorPayload</c> in raw units, or <c>image/png</c> / <c>image/jpeg</c> bytes (the
    /// cloud accepts the same). Bad input is a 4xx with a ProblemDetails <c>detail</c> saying what to fix; a cloud
    /// problem never fails the request.
    /// </summary>
    private static async Task<IResult> InferAsync(
        HttpContext http, InferenceRouter router, AgentMetrics metrics, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var contentType = http.Request.ContentType;
        if (!InferBody.TryGetFormat(contentType, out var format))
        {
            return Refused(metrics, ErrorReasons.UnsupportedMediaType, InferProblems.UnsupportedMediaType(contentType));
        }

        var maxBytes = options.Value.MaxBodyBytes;
        using var body = await RequestBody.ReadAsync(http.Request, maxBytes, cancellationToken);
        if (body.TooLarge)
        {
            return Refused(metrics, ErrorReasons.BodyTooLarge, InferProblems.TooLarge(maxBytes));
        }

        try
        {
            var answer = await router.InferAsync(new InferenceRequest(body.Memory, contentType!, format), cancellationToken);
            return Results.Json(answer, EdgeJsonContext.Default.InferenceAnswer);
        }
        catch (InvalidInputException e)
        {
            return Refused(metrics, ErrorReasons.InvalidInput, InferProblems.InvalidInput(e.Message));
        }
    }

    private static IResult Refused(AgentMetrics metrics, string reason, IResult problem)
    {
        metrics.RecordError(reason);
        return problem;
    }
}

/// <summary>The closed set of <c>reason</c> labels on <c>edge_agent_request_errors_total</c>.</summary>
internal static class ErrorReasons
{
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string BodyTooLarge = "body-too-large";

    /// <summary>Malformed JSON, a wrong shape or value, an image that cannot be decoded.</summary>
    public const string InvalidInput = "invalid-input";
}
