namespace Edge.Inference.AspNetCore;

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

/// <summary>The ProblemDetails both <c>/v1/infer</c> endpoints answer for a body they cannot use.</summary>
public static class InferProblems
{
    public static IResult UnsupportedMediaType(string? contentType) => Problem(
        StatusCodes.Status415UnsupportedMediaType,
        "Unsupported content type",
        $"unsupported content type '{contentType ?? "(none)"}'; send {InferBody.Accepted}");

    public static IResult TooLarge(int maxBytes) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        string.Create(CultureInfo.InvariantCulture, $"the request body exceeds the limit of {maxBytes} bytes"));

    /// <param name="detail">The <see cref="InvalidInputException"/> message: it says what to fix.</param>
    public static IResult InvalidInput(string detail) => Problem(StatusCodes.Status400BadRequest, "Invalid input", detail);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
