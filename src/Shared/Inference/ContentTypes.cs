namespace Edge.Shared.Inference;

/// <summary>Request bodies both <c>/v1/infer</c> endpoints accept.</summary>
public static class ContentTypes
{
    public const string Json = "application/json";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    /// <summary>Default cap on a request body; larger bodies get 413 before they are read.</summary>
    public const int DefaultMaxBodyBytes = 4 * 1024 * 1024;

    public static bool IsImage(string? contentType) =>
        contentType is not null &&
        (contentType.StartsWith(Png, StringComparison.OrdinalIgnoreCase) ||
         contentType.StartsWith(Jpeg, StringComparison.OrdinalIgnoreCase));

    public static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith(Json, StringComparison.OrdinalIgnoreCase);
}
