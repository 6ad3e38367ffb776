namespace Edge.ModelTools.Data;

using System.Globalization;
using System.Text.Json;
using Edge.Shared.Models;
using Edge.Shared.Serialization;

/// <summary>
/// Labelled samples in the forms users have: a torchvision ImageFolder (one subfolder per label), JSON lines of
/// <c>{"tensor": [...], "label": "..."}</c> or <c>{"image": "&lt;base64 PNG/JPEG&gt;", "label": "..."}</c>, and
/// Edge's own digit data set JSON.
/// </summary>
public sealed class LabeledData
{
    /// <summary>File types an ImageFolder contributes; anything else in it is counted in <see cref="Ignored"/>.</summary>
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg" };

    // Everything is listed (linked files and label folders included); hidden entries are counted as ignored.
    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0 };

    /// <summary><see cref="Form"/> of a digit data set (one JSON object with <c>samples</c>).</summary>
    public const string DigitsForm = "digits";

    /// <summary><see cref="Form"/> of JSON lines of tensors or base64 images.</summary>
    public const string JsonLinesForm = "jsonl";

    /// <summary><see cref="Form"/> of a folder per label.</summary>
    public const string ImageFolderForm = "imagefolder";

    private LabeledData(string source, string form, IReadOnlyList<LabeledSample> samples, int ignored)
    {
        Source = source;
        Form = form;
        Samples = samples;
        Ignored = ignored;
    }

    /// <summary>The file or folder, as messages name it.</summary>
    public string Source { get; }

    /// <summary>How the samples were given: <see cref="DigitsForm"/>, <see cref="JsonLinesForm"/> or <see cref="ImageFolderForm"/>.</summary>
    public string Form { get; }

    public IReadOnlyList<LabeledSample> Samples { get; }

    /// <summary>Files in an ImageFolder that are not images.</summary>
    public int Ignored { get; }

    public int Count => Samples.Count;

    /// <summary>A folder is read as an ImageFolder, a file by its content (JSON lines or a digit data set).</summary>
    /// <exception cref="DataSetException">Missing, unreadable, malformed or empty.</exception>
    public static LabeledData Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return ReadImageFolder(path);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException($"data '{path}' cannot be read: {e.Message}", e);
        }

        return Parse(bytes, path);
    }

    /// <summary>JSON lines, or a digit data set (one JSON object with <c>samples</c>).</summary>
    public static LabeledData Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var trimmed = Trim(bytes);
        if (trimmed.IsEmpty)
        {
            throw new DataSetException($"data '{source}' is empty");
        }

        return IsDigitDataSet(trimmed) ? FromDigits(trimmed, source) : ParseJsonLines(trimmed, source);
    }

    /// <summary><paramref name="root"/>/&lt;label&gt;/*.png|jpg|jpeg, labels in ordinal order of their folder names.</summary>
    public static LabeledData ReadImageFolder(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var samples = new List<LabeledSample>();
        var ignored = 0;
        try
        {
            foreach (var folder in Directory.GetDirectories(root, "*", Everything).Order(StringComparer.Ordinal))
            {
                if (Path.GetFileName(folder).StartsWith('.'))
                {
                    ignored++;
                    continue;
                }

                var label = Path.GetFileName(folder);
                foreach (var file in FilesUnder(folder).Order(StringComparer.Ordinal))
                {
                    if (Path.GetFileName(file).StartsWith('.') || !ImageExtensions.Contains(Path.GetExtension(file)))
                    {
                        ignored++;
                        continue;
                    }

                    samples.Add(new LabeledSample(label, null, File.ReadAllBytes(file), Path.GetRelativePath(root, file)));
                }
            }

            ignored += Directory.GetFiles(root, "*", Everything).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException($"image folder '{root}' cannot be read: {e.Message}", e);
        }

        return samples.Count == 0
            ? throw new DataSetException($"image folder '{root}' has no images: it needs one subfolder per label holding .png or .jpg files (the ImageFolder layout)")
            : new LabeledData(root, ImageFolderForm, samples, ignored);
    }

    /// <summary>
    /// Files below a label folder. Linked files count; linked subfolders are not entered, so a loop (a/loop → a)
    /// cannot count the same images again and again.
    /// </summary>
    private static IEnumerable<string> FilesUnder(string folder)
    {
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            foreach (var file in Directory.GetFiles(current, "*", Everything))
            {
                yield return file;
            }

            foreach (var sub in Directory.GetDirectories(current, "*", Everything))
            {
                if (!File.GetAttributes(sub).HasFlag(FileAttributes.ReparsePoint))
                {
                    pending.Push(sub);
                }
            }
        }
    }

    /// <summary>
    /// The samples as JSON lines (<c>{"tensor"|"image", "label"}</c>), the form <see cref="Parse"/> reads back: how
    /// the CLI sends an ImageFolder to the cloud in one form part.
    /// </summary>
    public void WriteJsonLines(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        foreach (var sample in Samples)
        {
            writer.WriteStartObject();
            if (sample.Tensor is { } tensor)
            {
                writer.WriteStartArray("tensor");
                foreach (var value in tensor)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteBase64String("image", sample.Image);
            }

            if (sample.Label is { } label)
            {
                writer.WriteString("label", label);
            }

            writer.WriteEndObject();
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset();
        }
    }

    private static LabeledData ParseJsonLines(ReadOnlySpan<byte> bytes, string source)
    {
        var samples = new List<LabeledSample>();
        var line = 0;
        while (!bytes.IsEmpty)
        {
            line++;
            var end = bytes.IndexOf((byte)'\n');
            var text = Trim(end < 0 ? bytes : bytes[..end]);
            bytes = end < 0 ? [] : bytes[(end + 1)..];
            if (!text.IsEmpty)
            {
                samples.Add(ParseLine(text, $"{source} line {line}"));
            }
        }

        return samples.Count == 0 ? throw new DataSetException($"data '{source}' has no samples") : new LabeledData(source, JsonLinesForm, samples, 0);
    }

    private static LabeledSample ParseLine(ReadOnlySpan<byte> json, string origin)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DataSetException($"{origin}: expected a JSON object with 'tensor' or 'image' and 'label'");
            }

            var root = document.RootElement;
            var label = root.TryGetProperty("label", out var l) ? l.ValueKind switch
            {
                JsonValueKind.String => l.GetString(),
                JsonValueKind.Number => l.GetRawText(),
                JsonValueKind.Null => null,
                _ => throw new DataSetException($"{origin}: 'label' must be a string"),
            } : null;
            var hasTensor = root.TryGetProperty("tensor", out var tensor);
            var hasImage = root.TryGetProperty("image", out var image);
            if (hasTensor == hasImage)
            {
                throw new DataSetException($"{origin}: give exactly one of 'tensor' (an array of numbers in raw units) and 'image' (base64 PNG or JPEG)");
            }

            return hasTensor
                ? new LabeledSample(label, Numbers(tensor, origin), null, origin)
                : new LabeledSample(label, null, Base64(image, origin), origin);
        }
        catch (JsonException e)
        {
            throw new DataSetException($"{origin}: not valid JSON ({e.Message.Split(" Path:", 2)[0]})", e);
        }
    }

    private static float[] Numbers(JsonElement tensor, string origin)
    {
        if (tensor.ValueKind != JsonValueKind.Array || tensor.GetArrayLength() == 0)
        {
            throw new DataSetException($"{origin}: 'tensor' must be a non-empty array of numbers");
        }

        var values = new float[tensor.GetArrayLength()];
        var i = 0;
        foreach (var v in tensor.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetSingle(out values[i]) || !float.IsFinite(values[i]))
            {
                throw new DataSetException(string.Create(CultureInfo.InvariantCulture, $"{origin}: tensor[{i}] is {v.GetRawText()}, not a finite number"));
            }

            i++;
        }

        return values;
    }

    private static byte[] Base64(JsonElement image, string origin)
    {
        if (image.ValueKind != JsonValueKind.String || !image.TryGetBytesFromBase64(out var bytes) || bytes.Length == 0)
        {
            throw new DataSetException($"{origin}: 'image' must be a base64 string of a PNG or JPEG file");
        }

        return bytes;
    }

    private static bool IsDigitDataSet(ReadOnlySpan<byte> json)
    {
        // A digit data set is one object with "samples"; a JSON-lines file has one object per line, without it.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("samples"u8))
                {
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }

    private static LabeledData FromDigits(ReadOnlySpan<byte> json, string source)
    {
        DigitDataset? digits;
        try
        {
            digits = JsonSerializer.Deserialize(json, EdgeJsonContext.Default.DigitDataset);
        }
        catch (JsonException e)
        {
            throw new DataSetException($"data '{source}' is not a digit data set (samples of label and 64 raw pixels): {e.Message.Split(" Path:", 2)[0]} (at {e.Path ?? "$"})", e);
        }

        var samples = (digits?.Samples ?? []).Select((d, i) => new LabeledSample(
            d.Label.ToString(CultureInfo.InvariantCulture), d.Pixels, null, string.Create(CultureInfo.InvariantCulture, $"{source} sample {i}"))).ToList();
        return samples.Count == 0 ? throw new DataSetException($"data '{source}' has no samples") : new LabeledData(source, DigitsForm, samples, 0);
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        return bytes.Trim(" \t\r\n"u8);
    }
}
