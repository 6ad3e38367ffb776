namespace Edge.Cli.Models;

using System.Globalization;
using System.Text.Json;
using Edge.Cli.Cloud;
using Edge.Inference;
using Edge.ModelTools.Data;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;

/// <summary>
/// The local model commands (<c>inspect</c>, <c>calibrate</c>) read the user's files: every way those can be wrong
/// becomes one red sentence and exit code 2, never a stack trace.
/// </summary>
internal static class LocalModelFiles
{
    public static async Task<int> RunAsync(IAnsiConsole console, Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        try
        {
            await body(cancellationToken);
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is ModelLoadException or DataSetException or InvalidInputException or ArgumentException
            or OnnxRuntimeException or IOException or UnauthorizedAccessException or CloudException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return e is CloudException c ? c.ExitCode : ExitCodes.Usage;
        }
    }

    public static byte[] ReadBytes(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CloudException($"{what} '{Path.GetFullPath(path)}' cannot be read: {e.Message}", ExitCodes.Usage, e);
        }
    }

    public static async Task WriteManifestAsync(ModelManifest manifest, string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);

        // Written beside and moved into place, so an interrupted run never leaves half a manifest.
        var temp = full + ".tmp";
        await using (var file = File.Create(temp))
        {
            // Indented: people read and edit manifests.
            await using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
            JsonSerializer.Serialize(writer, manifest, EdgeJsonContext.Default.ModelManifest);
            await writer.FlushAsync(cancellationToken);
        }

        File.Move(temp, full, overwrite: true);
    }

    public static float[]? Floats(string? csv, string flag)
    {
        if (csv is null)
        {
            return null;
        }

        var parts = csv.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new CloudException($"{flag} '{csv}': '{parts[i]}' is not a number", ExitCodes.Usage);
            }
        }

        return values.Length > 0 ? values : throw new CloudException($"{flag} needs comma-separated numbers", ExitCodes.Usage);
    }
}
