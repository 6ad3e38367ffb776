namespace Edge.Cloud.Inference;

using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Edge.Inference;

/// <summary>
/// Reads a <c>TensorPayload</c> body (<c>{"shape":[...],"data":[...]}</c>) straight from the request bytes into a
/// stack shape and a pooled array, then preprocesses it into the slot's input: no per-request arrays, and errors
/// that name the offending element rather than a serializer type name.
/// </summary>
internal static class TensorJson
{
    private const int MaxRank = 8;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 4,
    };

    /// <exception cref="InvalidInputException">The body is not a valid tensor for <paramref name="preprocessor"/>.</exception>
    public static void Preprocess(ReadOnlySpan<byte> json, Preprocessor preprocessor, Span<float> destination)
    {
        Span<int> shape = stackalloc int[MaxRank];
        var data = ArrayPool<float>.Shared.Rent(preprocessor.Length);
        try
        {
            var (rank, count) = Parse(json, shape, data.AsSpan(0, preprocessor.Length));
            if (rank < 0 || count < 0)
            {
                throw new InvalidInputException("the body needs both 'shape' and 'data' (a TensorPayload in raw units)");
            }

            if (count > preprocessor.Length)
            {
                throw new InvalidInputException(string.Create(
                    CultureInfo.InvariantCulture, $"expected {preprocessor.Length} values in 'data', got {count}"));
            }

            preprocessor.FromTensor(shape[..rank], data.AsSpan(0, count), destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(data);
        }
    }

    /// <summary>Returns the rank and the number of data values (-1 for a missing property); stores at most data.Length values.</summary>
    private static (int Rank, int Count) Parse(ReadOnlySpan<byte> json, Span<int> shape, Span<float> data)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidInputException("the body must be a JSON object with 'shape' and 'data'");
            }

            var rank = -1;
            var count = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("shape"u8) || reader.ValueTextEquals("Shape"u8))
                {
                    rank = ReadShape(ref reader, shape);
                }
                else if (reader.ValueTextEquals("data"u8) || reader.ValueTextEquals("Data"u8))
                {
                    count = ReadData(ref reader, data);
                }
                else
                {
                    reader.Skip();
                }
            }

            return (rank, count);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException(string.Create(
                CultureInfo.InvariantCulture,
                $"malformed JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})"), ex);
        }
    }

    private static int ReadShape(ref Utf8JsonReader reader, Span<int> shape)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException("'shape' must be an array of integers");
        }

        var rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var dim) || dim < 0)
            {
                throw new InvalidInputException(string.Create(CultureInfo.InvariantCulture, $"shape[{rank}] must be a non-negative integer"));
            }

            if (rank == shape.Length)
            {
                throw new InvalidInputException(string.Create(CultureInfo.InvariantCulture, $"'shape' has more than {shape.Length} dimensions"));
            }

            shape[rank++] = dim;
        }

        return rank;
    }

    private static int ReadData(ref Utf8JsonReader reader, Span<float> data)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException("'data' must be a flat array of numbers");
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // JSON has no NaN or Infinity literals; a huge literal overflows to infinity and the preprocessor refuses it.
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out var value))
            {
                throw new InvalidInputException(string.Create(
                    CultureInfo.InvariantCulture, $"data[{count}] must be a number (got {reader.TokenType})"));
            }

            if (count < data.Length)
            {
                data[count] = value;
            }

            count++;
        }

        return count;
    }
}
