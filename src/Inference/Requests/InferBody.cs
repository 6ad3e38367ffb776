namespace Edge.Inference;

using Edge.Shared.Inference;

/// <summary>What a <c>POST /v1/infer</c> body holds; the agent and the cloud accept exactly the same ones.</summary>
public enum InferBodyFormat
{
    /// <summary><c>application/json</c>: a <c>TensorPayload</c> in raw units, read by <see cref="TensorJson"/>.</summary>
    TensorJson,

    /// <summary><c>image/png</c> or <c>image/jpeg</c> bytes.</summary>
    Image,
}

public static class InferBody
{
    /// <summary>The accepted content types, as 415 messages name them.</summary>
    public const string Accepted = $"{ContentTypes.Json} (a TensorPayload in raw units), {ContentTypes.Png} or {ContentTypes.Jpeg}";

    public static bool TryGetFormat(string? contentType, out InferBodyFormat format)
    {
        if (ContentTypes.IsJson(contentType))
        {
            format = InferBodyFormat.TensorJson;
            return true;
        }

        format = InferBodyFormat.Image;
        return ContentTypes.IsImage(contentType);
    }

    /// <summary>Preprocesses a body straight into <paramref name="destination"/> (a slot's input): no per-request arrays.</summary>
    /// <exception cref="InvalidInputException">The body is not a valid input for this model (→ 400).</exception>
    public static void FromBody(this Preprocessor preprocessor, InferBodyFormat format, ReadOnlyMemory<byte> body, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        if (format == InferBodyFormat.TensorJson)
        {
            TensorJson.Preprocess(body.Span, preprocessor, destination);
        }
        else
        {
            preprocessor.FromImage(body, destination);
        }
    }
}
