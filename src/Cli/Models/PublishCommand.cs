namespace Edge.Cli.Models;

using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using Edge.Cli.Cloud;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary>
/// <c>edge models publish model.onnx --name N --version V --manifest M.json [--quantize int8 --calibration DATA
/// --heldout DATA [--method M] [--exclude NODE…] [--no-gate]]</c>. DATA is an ImageFolder directory (sent as JSON
/// lines of base64 images) or a JSON-lines / digit data set file (sent as is).
/// </summary>
internal static class PublishCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The FP32 ONNX model" };
        var name = new Option<string>("--name") { Description = "Model name in the registry", Required = true };
        var version = new Option<string>("--version") { Description = "New version (versions are immutable)", Required = true };
        var manifest = new Option<FileInfo>("--manifest") { Description = "Model manifest JSON (input, output, labels, temperature)", Required = true };
        var quantize = new Option<string>("--quantize") { Description = "int8: quantize, evaluate and gate in the cloud; none: publish as is", DefaultValueFactory = _ => "none" };
        quantize.AcceptOnlyFromAmong("int8", "none");
        var calibration = new Option<string?>("--calibration") { Description = "Calibration inputs for INT8: an ImageFolder directory, or JSON lines of {\"tensor\"|\"image\", \"label\"}" };
        var heldOut = new Option<string?>("--heldout") { Description = "Labelled held-out data (same forms) the cloud measures accuracy and the INT8 gate on" };
        var method = new Option<string?>("--method") { Description = "INT8 calibration method: minmax (default), percentile or entropy" };
        method.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var exclude = new Option<string[]>("--exclude") { Description = "Node names to keep in float (INT8)", AllowMultipleArgumentsPerToken = true };
        var noGate = new Option<bool>("--no-gate") { Description = "Publish INT8 without held-out data, unjudged by the accuracy gate" };
        var command = new Command("publish", "Upload an FP32 ONNX model and publish it, as INT8 with --quantize int8.")
        {
            file, name, version, manifest, quantize, calibration, heldOut, method, exclude, noGate,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var n = parse.GetRequiredValue(name);
            var v = parse.GetRequiredValue(version);
            var q = parse.GetValue(quantize) ?? "none";
            using var form = new MultipartFormDataContent();
            await AddFileAsync(form, "model", parse.GetRequiredValue(file), "application/octet-stream", token);
            await AddFileAsync(form, "manifest", parse.GetRequiredValue(manifest), "application/json", token);
            await DataPart.AddAsync(form, "calibration", parse.GetValue(calibration), token);
            await DataPart.AddAsync(form, "heldout", parse.GetValue(heldOut), token);
            var query = new List<string>();
            if (q == "int8")
            {
                query.Add("quantize=int8");
            }

            if (parse.GetValue(method) is { } m)
            {
                query.Add("method=" + m);
            }

            query.AddRange((parse.GetValue(exclude) ?? []).Select(e => "exclude=" + Uri.EscapeDataString(e)));
            if (parse.GetValue(noGate))
            {
                query.Add("noGate=true");
            }

            var path = $"/v1/models/{Uri.EscapeDataString(n)}/{Uri.EscapeDataString(v)}" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
            var what = q == "int8" ? "Calibrating, quantizing to INT8 and evaluating" : "Publishing";
            var published = await context.Console.Status().Spinner(Spinner.Known.Dots)
                .StartAsync($"{what} {Markup.Escape(n)} {Markup.Escape(v)} on {Markup.Escape(cloud.BaseAddress.ToString())}…", _ =>
                    cloud.PostAsync(path, form, EdgeJsonContext.Default.ModelManifest, token));
            context.Console.Write(ResultTable(published));
            if (published.Quantization?.Note is { } note)
            {
                context.Console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
            }
        }, ct));
        return command;
    }

    private static async Task AddFileAsync(MultipartFormDataContent form, string part, FileInfo? file, string contentType, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return;
        }

        if (!file.Exists)
        {
            throw new CloudException($"{part} file '{file.FullName}' does not exist", 2);
        }

        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file.FullName, cancellationToken));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(content, part, file.Name);
    }

    private static Table ResultTable(ModelManifest m)
    {
        var table = new Table().Title($"Published {Markup.Escape(m.Name)} {Markup.Escape(m.Version)}").AddColumn("").AddColumn("FP32").AddColumn("Published");
        var metrics = m.Metrics;
        var int8 = m.Quantization is not null;
        table.AddRow("format", "float32", int8 ? "INT8 (" + Markup.Escape(m.Quantization!.ActivationType ?? "?") + " activations)" : "float32 (as uploaded)");
        table.AddRow("held-out top-1", Percent(metrics?.Fp32Accuracy), Percent(int8 ? metrics?.Int8Accuracy : metrics?.Fp32Accuracy));
        table.AddRow("top-1 agreement", string.Empty, int8 ? Percent(metrics?.Int8Agreement) : string.Empty);
        table.AddRow("size (bytes)", Bytes(int8 ? m.Quantization!.SourceSizeBytes : m.SizeBytes), Bytes(m.SizeBytes));
        table.AddRow("held-out samples", string.Empty, metrics?.HeldOutCount?.ToString(CultureInfo.InvariantCulture) ?? "-");
        table.AddRow("reference top-1", string.Empty, metrics?.ReferenceAccuracy is null ? "- (no reference set)"
            : string.Create(CultureInfo.InvariantCulture, $"{Percent(metrics.ReferenceAccuracy)} on {metrics.ReferenceCount} samples (floor {Percent(metrics.ReferenceFloor)})"));
        table.AddRow("sha256", string.Empty, m.Sha256 ?? "-");
        return table;
    }

    internal static string Percent(double? share) => share is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s * 100:F2} %") : "-";

    internal static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);
}
