namespace Edge.Cli.Models;

using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using Edge.Cli.Cloud;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge models publish model.onnx --name N --version V --manifest M.json [--quantize int8] [--calibration C.json]</c>.</summary>
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
        var calibration = new Option<FileInfo?>("--calibration") { Description = "Calibration digits (DigitDataset JSON); default: the cloud's bundled set" };
        var heldOut = new Option<FileInfo?>("--heldout") { Description = "Held-out digits for the accuracy gate; default: the cloud's bundled set" };
        var command = new Command("publish", "Upload an FP32 ONNX model and publish it, as INT8 with --quantize int8.")
        {
            file, name, version, manifest, quantize, calibration, heldOut,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var n = parse.GetRequiredValue(name);
            var v = parse.GetRequiredValue(version);
            var q = parse.GetValue(quantize) ?? "none";
            using var form = new MultipartFormDataContent();
            await AddFileAsync(form, "model", parse.GetRequiredValue(file), "application/octet-stream", token);
            await AddFileAsync(form, "manifest", parse.GetRequiredValue(manifest), "application/json", token);
            await AddFileAsync(form, "calibration", parse.GetValue(calibration), "application/json", token);
            await AddFileAsync(form, "heldout", parse.GetValue(heldOut), "application/json", token);
            var path = $"/v1/models/{Uri.EscapeDataString(n)}/{Uri.EscapeDataString(v)}" + (q == "int8" ? "?quantize=int8" : string.Empty);
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
        table.AddRow("sha256", string.Empty, m.Sha256 ?? "-");
        return table;
    }

    internal static string Percent(double? share) => share is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s * 100:F2} %") : "-";

    internal static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);
}
