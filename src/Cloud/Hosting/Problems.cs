namespace Edge.Cloud.Hosting;

using Microsoft.AspNetCore.Http;

/// <summary>RFC 7807 answers with a <c>detail</c> a caller can act on; every 4xx the cloud sends goes through here.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static IResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult TooLarge(long maxBytes) =>
        Create(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"the request body is larger than the limit of {maxBytes} bytes");

    public static IResult UnsupportedMediaType(string? contentType, string accepted) =>
        Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
            $"content type '{contentType ?? "(none)"}' is not accepted here; send {accepted}");

    public static IResult Create(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
