namespace Edge.Cli.Models;

using System.CommandLine;
using System.Globalization;
using Edge.Cli.Cloud;
using Edge.Inference;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Data;
using Edge.Shared.Models;
using Spectre.Console;

/// <summary>
/// <c>edge models calibrate MANIFEST.json --data DATA [--out MANIFEST.json] [--golden N]</c>: fits the temperature on half
/// of the labelled data, reports accuracy, ECE and NLL before and after on the other half with a reliability table,
/// and writes the temperature, the figures and golden samples into the manifest.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(CliContext context)
    {
        var manifestFile = new Argument<FileInfo>("manifest") { Description = "The model's manifest (its 'file' names the ONNX model)" };
        var data = new Option<string>("--data") { Description = "Labelled data: an ImageFolder directory, or JSON lines of {\"tensor\"|\"image\", \"label\"}", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the calibrated manifest (default: over the input manifest)" };
        var golden = new Option<int>("--golden") { Description = "Golden samples to pick for the device's self-test", DefaultValueFactory = _ => 3 };
        var command = new Command("calibrate", "Fit a model's temperature on labelled data and write it, with ECE and golden samples, into its manifest.")
        {
            manifestFile, data, output, golden,
        };
        command.SetAction((parse, ct) => LocalModelFiles.RunAsync(context.Console, async token =>
        {
            // The agent's own loader: the same manifest rules, and the model file checked against its size and SHA-256.
            var path = parse.GetRequiredValue(manifestFile).FullName;
            var file = ModelFile.Load(path);
            var manifest = file.Manifest;
            var (modelPath, model) = (file.ModelPath, file.ModelBytes);

            var count = parse.GetValue(golden);
            if (count is < 0 or > 100)
            {
                throw new CloudException("--golden must be between 0 and 100", ExitCodes.Usage);
            }

            var labelled = LabeledData.Read(parse.GetRequiredValue(data));
            CalibrationResult? result = null;
            await context.Console.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var task = progress.AddTask($"Running {Markup.Escape(manifest.Name)} on {labelled.Count} samples", maxValue: labelled.Count);
                var report = new Progress<int>(done => task.Value = done);
                result = await Task.Run(() => ModelCalibrator.Calibrate(manifest, model, labelled, count, report), token);
                task.Value = labelled.Count;
            });

            Print(context.Console, manifest, result!);
            if (result!.Golden.Count < count && count * (long)manifest.Input.Channels * manifest.Input.Height * manifest.Input.Width > ModelCalibrator.MaxGoldenValues)
            {
                context.Console.MarkupLine($"[yellow]{result.Golden.Count} golden sample(s), not {count}:[/] each holds the whole raw input, and the manifest must fit in a device's update message ({ModelCalibrator.MaxGoldenValues} values at most).");
            }

            manifest.Temperature = result!.Temperature;
            manifest.Metrics ??= new ModelMetrics();
            manifest.Metrics.EceBefore = Math.Round(result.Before.Ece, 6);
            manifest.Metrics.EceAfter = Math.Round(result.After.Ece, 6);
            manifest.Metrics.NllBefore = Math.Round(result.Before.Nll, 6);
            manifest.Metrics.NllAfter = Math.Round(result.After.Nll, 6);
            manifest.Metrics.HeldOutAccuracy = Math.Round(result.After.Accuracy, 6);
            manifest.Metrics.HeldOutCount = result.After.Count;
            manifest.Golden = [.. result.Golden];
            var target = parse.GetValue(output)?.FullName ?? path;
            if (target != path)
            {
                manifest.File = Path.GetRelativePath(Path.GetDirectoryName(target)!, modelPath).Replace('\\', '/');
            }

            await LocalModelFiles.WriteManifestAsync(manifest, target, token);
            context.Console.MarkupLine($"Temperature {result.Temperature.ToString("0.####", CultureInfo.InvariantCulture)} and {result.Golden.Count} golden sample(s) written to [bold]{Markup.Escape(target)}[/].");
        }, ct));
        return command;
    }

    private static void Print(IAnsiConsole console, ModelManifest manifest, CalibrationResult r)
    {
        console.MarkupLine($"Fitted on {r.FitCount} samples, measured on the other {r.After.Count}{(r.Skipped > 0 ? $"; {r.Skipped} image(s) skipped" : string.Empty)}.");
        foreach (var skip in r.Skips)
        {
            console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(skip)}");
        }

        if (!r.Adopted)
        {
            console.MarkupLine($"[yellow]kept temperature {F(manifest.Temperature > 0 ? manifest.Temperature : 1, "0.####")}:[/] the fitted {F(r.Fitted, "0.####")} made NLL worse on the samples it did not see (too few, or too easy, to fit on); more varied data gives a fit worth using.");
        }

        var table = new Table().AddColumn("").AddColumn("before").AddColumn("after");
        table.AddRow("temperature", F(manifest.Temperature > 0 ? manifest.Temperature : 1, "0.####"), F(r.Temperature, "0.####"));
        table.AddRow("accuracy", F(r.Before.Accuracy * 100, "0.00") + " %", F(r.After.Accuracy * 100, "0.00") + " %");
        table.AddRow("ECE", F(r.Before.Ece, "0.0000"), F(r.After.Ece, "0.0000"));
        table.AddRow("NLL", F(r.Before.Nll, "0.0000"), F(r.After.Nll, "0.0000"));
        console.Write(table);

        var bins = new Table().Title("Reliability (after)").AddColumn("confidence").AddColumn("samples").AddColumn("mean confidence").AddColumn("accuracy");
        foreach (var bin in r.After.Bins.Where(b => b.Count > 0))
        {
            bins.AddRow($"{F(bin.Lower, "0.00")}–{F(bin.Upper, "0.00")}", bin.Count.ToString(CultureInfo.InvariantCulture), F(bin.Confidence, "0.000"), F(bin.Accuracy, "0.000"));
        }

        console.Write(bins);
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
