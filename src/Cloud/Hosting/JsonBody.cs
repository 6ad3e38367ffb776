namespace Edge.Cloud.Hosting;

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Edge.Shared.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

/// <summary>
/// Reads a small JSON body with the source-generated contracts, turning every way it can be wrong into a
/// ProblemDetails result rather than an exception (minimal-API binding would answer a bare 400 with no reason).
/// </summary>
internal static class JsonBody
{
    /// <summary>Returns the value, or an error result to send back as is.</summary>
    /// <param name="fieldHints">What each top-level property should hold, to explain type errors (path → "a number").</param>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(
        HttpRequest request,
        JsonTypeInfo<T> typeInfo,
        long maxBytes,
        IReadOnlyDictionary<string, string>? fieldHints,
        CancellationToken cancellationToken)
        where T : class
    {
        if (!ContentTypes.IsJson(request.ContentType))
        {
            return (null, Problems.UnsupportedMediaType(request.ContentType, ContentTypes.Json));
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
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken);
            return value is null ? (null, Problems.BadRequest("the request body must be a JSON object, not null")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest(Describe(ex, fieldHints)));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(maxBytes));
        }
    }

    private static string Describe(JsonException ex, IReadOnlyDictionary<string, string>? fieldHints)
    {
        var path = ex.Path ?? "$";

        // The reader's own exception type is internal; its name is the only way to tell syntax from type errors.
        var syntax = ex.InnerException?.GetType().Name == "JsonReaderException";
        if (!syntax && fieldHints is not null && fieldHints.TryGetValue(path, out var expected))
        {
            return $"invalid value for '{path[2..]}': expected {expected}";
        }

        if (ex.BytePositionInLine is 0 && ex.LineNumber is 0 && path == "$")
        {
            return "the request body is empty or not JSON";
        }

        var reason = (syntax ? ex.InnerException!.Message : ex.Message).Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd(' ', '|');
        return $"malformed JSON at {path} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {reason}";
    }
}
