namespace Edge.Cli.Models;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.ModelTools.Inspection;
using Spectre.Console;

/// <summary>
/// <c>edge models inspect MODEL.onnx [--out MANIFEST.json] [--labels FILE] [--scale S] [--mean M,…] [--std S,…]
/// [--layout L] [--color rgb|bgr] [--resize MODE] [--output NAME] [--height H --width W]</c>: what the graph says,
/// and a draft manifest with every field it could infer.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("model") { Description = "The ONNX model file" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the draft manifest here (its 'file' points at the model)" };
        var labels = new Option<FileInfo?>("--labels") { Description = "Label file: one label a line, in class-index order" };
        var scale = new Option<float?>("--scale") { Description = "Multiplier for raw tensor values before mean/std (1/255 = 0.00392156862745098)" };
        var mean = new Option<string?>("--mean") { Description = "Per-channel means, comma-separated (after scaling to 0..1 for images)" };
        var std = new Option<string?>("--std") { Description = "Per-channel standard deviations, comma-separated" };
        var layout = new Option<string?>("--layout") { Description = "NCHW, NHWC or NF (a flat [N,F] vector)" };
        layout.AcceptOnlyFromAmong("NCHW", "NHWC", "NF");
        var color = new Option<string?>("--color") { Description = "Channel order of a 3-channel input: rgb or bgr" };
        color.AcceptOnlyFromAmong("rgb", "bgr");
        var resize = new Option<string?>("--resize") { Description = "How images are fitted: stretch, letterbox or centerCrop" };
        resize.AcceptOnlyFromAmong("stretch", "letterbox", "centerCrop");
        var scored = new Option<string?>("--output") { Description = "The output to score, for a model with several" };
        var height = new Option<int?>("--height") { Description = "Input height, for a model whose height and width are dynamic" };
        var width = new Option<int?>("--width") { Description = "Input width, with --height" };
        var command = new Command("inspect", "Show an ONNX model's inputs, outputs, opset and ops, and draft its manifest.")
        {
            file, output, labels, scale, mean, std, layout, color, resize, scored, height, width,
        };
        command.SetAction((parse, ct) => LocalModelFiles.RunAsync(context.Console, async token =>
        {
            var model = parse.GetRequiredValue(file);
            var bytes = LocalModelFiles.ReadBytes(model.FullName, "model");
            var labelFile = parse.GetValue(labels);
            var hints = new InspectionHints
            {
                Labels = labelFile is null ? null : ReadLabels(labelFile),
                Scale = parse.GetValue(scale),
                Mean = LocalModelFiles.Floats(parse.GetValue(mean), "--mean"),
                Std = LocalModelFiles.Floats(parse.GetValue(std), "--std"),
                Layout = parse.GetValue(layout),
                Color = parse.GetValue(color),
                Resize = parse.GetValue(resize),
                Output = parse.GetValue(scored),
                Height = parse.GetValue(height),
                Width = parse.GetValue(width),
            };
            var inspected = ModelInspector.Inspect(bytes, model.FullName, hints);
            Print(context.Console, model.Name, inspected);
            if (parse.GetValue(output) is { } target)
            {
                var draft = inspected.Draft;
                draft.File = Path.GetRelativePath(Path.GetDirectoryName(target.FullName)!, model.FullName).Replace('\\', '/');
                await LocalModelFiles.WriteManifestAsync(draft, target.FullName, token);
                context.Console.MarkupLine($"Draft manifest written to [bold]{Markup.Escape(target.FullName)}[/].");
            }
        }, ct));
        return command;
    }

    private static string[] ReadLabels(FileInfo file)
    {
        var labels = File.Exists(file.FullName)
            ? File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray()
            : throw new CloudException($"--labels '{file.FullName}' does not exist", ExitCodes.Usage);
        var repeated = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return labels.Length == 0 ? throw new CloudException($"--labels '{file.FullName}' holds no labels", ExitCodes.Usage)
            : repeated is not null ? throw new CloudException($"--labels '{file.FullName}' lists '{repeated.Key}' {repeated.Count()} times; labels must be distinct", ExitCodes.Usage)
            : labels;
    }

    private static void Print(IAnsiConsole console, string name, InspectedModel m)
    {
        console.MarkupLine($"[bold]{Markup.Escape(name)}[/]: opset {m.Opset}{(m.Producer is null ? string.Empty : $", produced by {Markup.Escape(m.Producer)}")}");
        var tensors = new Table().AddColumn("").AddColumn("name").AddColumn("type and shape");
        foreach (var i in m.Inputs)
        {
            tensors.AddRow("input", Markup.Escape(i.Name), Markup.Escape(i.ToString()));
        }

        foreach (var o in m.Outputs)
        {
            tensors.AddRow("output", Markup.Escape(o.Name), Markup.Escape(o.ToString()));
        }

        console.Write(tensors);
        console.MarkupLine($"ops: {Markup.Escape(string.Join(", ", m.OpCounts.Select(p => $"{p.Key} {p.Value}")))}");
        if (m.OutputNode is not null)
        {
            console.MarkupLine($"scored output '{Markup.Escape(m.Draft.Output.Name)}' is computed by {Markup.Escape(m.OutputNode)}");
        }

        foreach (var (key, value) in m.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            console.MarkupLine($"metadata {Markup.Escape(key)}: {Markup.Escape(value.Length > 120 ? value[..120] + "…" : value)}");
        }

        console.MarkupLine("[green]inferred[/]");
        foreach (var line in m.Inferred)
        {
            console.MarkupLine($"  {Markup.Escape(line)}");
        }

        if (m.NotInferred.Count > 0)
        {
            console.MarkupLine("[yellow]not inferred: check these before publishing[/]");
            foreach (var line in m.NotInferred)
            {
                console.MarkupLine($"  {Markup.Escape(line)}");
            }
        }
    }
}
