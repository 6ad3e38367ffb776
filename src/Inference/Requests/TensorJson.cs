namespace Edge.Inference;

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>
/// Reads a <c>TensorPayload</c> body (<c>{"shape":[...],"data":[...]}</c>, raw units) straight from the request bytes
/// into a stack shape and a pooled array, then preprocesses it into the caller's span: no per-request arrays.
/// It accepts what <c>EdgeJsonContext</c> would (property names in any case, comments, trailing commas, a UTF-8 BOM;
/// never a quoted number), and its errors name the offending element rather than a serializer type.
/// </summary>
internal static class TensorJson
{
    private const int MaxRank = 8;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 16,
    };

    private enum Element
    {
        None,
        Shape,
        Data,
    }

    /// <exception cref="InvalidInputException">The body is not a valid tensor for <paramref name="preprocessor"/>.</exception>
    public static void Preprocess(ReadOnlySpan<byte> json, Preprocessor preprocessor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        Span<int> shape = stackalloc int[MaxRank];
        var data = ArrayPool<float>.Shared.Rent(preprocessor.Length);
        try
        {
            var (rank, count) = Parse(json, shape, data.AsSpan(0, preprocessor.Length));

            // Before the values are used: a 'data' longer than the buffer (only partly stored) fails here.
            preprocessor.CheckTensor(shape[..rank], count);
            preprocessor.FromTensor(shape[..rank], data.AsSpan(0, count), destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(data);
        }
    }

    /// <summary>Returns the rank and the number of values in 'data'; stores at most <c>data.Length</c> of them.</summary>
    private static (int Rank, int Count) Parse(ReadOnlySpan<byte> json, Span<int> shape, Span<float> data)
    {
        json = json.StartsWith("\uFEFF"u8) ? json[3..] : json;
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InvalidInputException("the body is empty; send a JSON object {\"shape\": [...], \"data\": [...]}");
        }

        var reader = new Utf8JsonReader(json, ReaderOptions);
        var (rank, count) = (-1, -1);
        var at = Element.None;
        var index = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidInputException($"the body must be a JSON object {{\"shape\": [...], \"data\": [...]}}, got {Describe(ref reader)}");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (IsName(ref reader, "shape"u8))
                {
                    at = Element.Shape;
                    rank = ReadShape(ref reader, shape, ref index);
                }
                else if (IsName(ref reader, "data"u8))
                {
                    at = Element.Data;
                    count = ReadData(ref reader, data, ref index);
                }
                else
                {
                    reader.Skip();
                }

                at = Element.None;
            }

            // Reading past the object throws on anything but white space and comments, as the serializer does.
            reader.Read();
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(Malformed(e, at, index, json[(int)reader.BytesConsumed..]), e);
        }

        return rank < 0 || count < 0
            ? throw new InvalidInputException($"the body has no '{(rank < 0 ? "shape" : "data")}'; a TensorPayload needs both 'shape' and 'data'")
            : (rank, count);
    }

    private static int ReadShape(ref Utf8JsonReader reader, Span<int> shape, ref int index)
    {
        index = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException($"'shape' must be an array of integers, got {Describe(ref reader)}");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var dim) || dim < 0)
            {
                throw new InvalidInputException(Invariant($"shape[{index}] must be a non-negative integer, got {Describe(ref reader)}"));
            }

            if (index == shape.Length)
            {
                throw new InvalidInputException(Invariant($"'shape' has more than {shape.Length} dimensions"));
            }

            shape[index++] = dim;
        }

        return index;
    }

    private static int ReadData(ref Utf8JsonReader reader, Span<float> data, ref int index)
    {
        index = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException($"'data' must be a flat array of numbers, got {Describe(ref reader)}");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !(TryGetSmallInteger(reader.ValueSpan, out var value) || reader.TryGetSingle(out value)))
            {
                throw new InvalidInputException(Invariant($"data[{index}] must be a number, got {Describe(ref reader)}"));
            }

            if (!float.IsFinite(value))
            {
                throw new InvalidInputException(Invariant(
                    $"data[{index}] is {Describe(ref reader)}, beyond the range of a float; every value must be a finite number"));
            }

            if (index < data.Length)
            {
                data[index] = value;
            }

            index++;
        }

        return index;
    }

    /// <summary>
    /// Up to seven digits (pixel values, counts) are exact in a float and parse several times faster here than in the
    /// general float parser. The reader has already checked the JSON number grammar.
    /// </summary>
    private static bool TryGetSmallInteger(ReadOnlySpan<byte> token, out float value)
    {
        value = 0;
        var negative = token.Length > 1 && token[0] == (byte)'-';
        var digits = negative ? token[1..] : token;
        if (digits.Length is 0 or > 7)
        {
            return false;
        }

        var n = 0;
        foreach (var c in digits)
        {
            var digit = c - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            n = (n * 10) + digit;
        }

        value = negative ? -(float)n : n;
        return true;
    }

    /// <summary>Names in any case, as <c>EdgeJsonContext</c> (web defaults) reads them.</summary>
    private static bool IsName(ref Utf8JsonReader reader, ReadOnlySpan<byte> lowerCaseName) =>
        reader.ValueIsEscaped ? reader.ValueTextEquals(lowerCaseName) : Ascii.EqualsIgnoreCase(reader.ValueSpan, lowerCaseName);

    /// <param name="rest">The body from the end of the last token read: NaN and Infinity get a message of their own.</param>
    private static string Malformed(JsonException e, Element at, int index, ReadOnlySpan<byte> rest)
    {
        var where = at switch
        {
            Element.Shape => Invariant($" in shape[{index}]"),
            Element.Data => Invariant($" in data[{index}]"),
            _ => string.Empty,
        };
        var position = Invariant($"line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}");
        rest = rest.TrimStart(" \t\r\n,"u8);
        var literal = at != Element.Data ? null
            : rest.StartsWith("NaN"u8) ? "NaN"
            : rest.StartsWith("Infinity"u8) ? "Infinity"
            : rest.StartsWith("-Infinity"u8) ? "-Infinity"
            : null;
        if (literal is not null)
        {
            return $"malformed JSON{where} ({position}): {literal} is not a JSON number; every value must be a finite number";
        }

        // The reader's message ends with its own zero-based position, which the one above replaces.
        var reason = e.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return $"malformed JSON{where} ({position}): {(cut > 0 ? reason[..cut] : reason)}";
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => Clip(Encoding.UTF8.GetString(reader.ValueSpan)),
        JsonTokenType.String => $"the string \"{Clip(Encoding.UTF8.GetString(reader.ValueSpan))}\"",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => "nothing",
    };

    private static string Clip(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
