namespace Edge.Cli.LoadControl;

using System.CommandLine;
using System.Globalization;
using Edge.Cli.Cloud;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Spectre.Console;

/// <summary><c>edge curve GROUP [--step S]</c>: the what-if curve of <c>GET /v1/curve/{group}</c> as a table and a text chart.</summary>
internal static class CurveCommand
{
    public static Command Create(CliContext context)
    {
        var group = new Argument<string>("group") { Description = "Device group" };
        group.Validators.Add(r => AddError(r, ConfigRules.ValidateName(r.GetValueOrDefault<string>() ?? string.Empty, "group")));
        var step = new Option<double>("--step")
        {
            Description = "Threshold spacing of the rows shown (0.01 shows every candidate)",
            DefaultValueFactory = _ => 0.05,
            CustomParser = Numbers.Parser("--step", 0.01, 0.5),
        };
        var command = new Command("curve", "What a group's threshold would do: expected local share, accuracy and cloud load per candidate threshold.") { group, step };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var name = parse.GetValue(group)!;
            var curve = await cloud.FindAsync($"/v1/curve/{Uri.EscapeDataString(name)}", EdgeJsonContext.Default.WhatIfCurve, token)
                ?? throw new CloudException($"unknown group '{name}': it has sent no telemetry recently, so there is no histogram to draw the curve from");
            var every = (int)Math.Round(parse.GetValue(step) * 100);
            var points = curve.Points.Where(p => (int)Math.Round(p.Threshold * 100) % every == 0).ToList();
            Render(context.Console, curve, points);
        }, ct));
        return command;
    }

    private static void Render(IAnsiConsole console, WhatIfCurve curve, List<CurvePoint> points)
    {
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"group [bold]{Markup.Escape(curve.Group)}[/]: {curve.RequestRate:0.##} req/s, threshold now {Format.Number(curve.Threshold)}, {curve.HistogramRequests} requests in the histogram, {curve.LabelledSamples} labelled samples"));
        var table = new Table().AddColumns("threshold", "local share", "expected accuracy", "expected cloud req/s", "chart (# local share, * accuracy)");
        foreach (var p in points)
        {
            var now = curve.Threshold is { } t && Math.Abs(t - p.Threshold) < 0.005;
            table.AddRow(
                (now ? "> " : string.Empty) + p.Threshold.ToString("0.00", CultureInfo.InvariantCulture),
                p.LocalShare.ToString("P1", CultureInfo.InvariantCulture),
                p.ExpectedAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "-",
                p.ExpectedCloudRate.ToString("0.##", CultureInfo.InvariantCulture),
                Markup.Escape(Bar(p)));
        }

        console.Write(table);
        if (curve.LabelledSamples == 0)
        {
            console.MarkupLine("[grey]no labelled samples yet (audits or hard examples): expected accuracy is unknown[/]");
        }
    }

    /// <summary>40 columns for [0, 1]: '#' up to the local share, '*' where the expected accuracy falls.</summary>
    private static string Bar(CurvePoint p)
    {
        const int Width = 40;
        var chars = new char[Width + 1];
        var share = (int)Math.Round(p.LocalShare * Width);
        for (var i = 0; i <= Width; i++)
        {
            chars[i] = i < share ? '#' : '.';
        }

        if (p.ExpectedAccuracy is { } a)
        {
            chars[(int)Math.Round(Math.Clamp(a, 0, 1) * Width)] = '*';
        }

        return new string(chars);
    }

    internal static void AddError(System.CommandLine.Parsing.SymbolResult result, string? error)
    {
        if (error is not null)
        {
            result.AddError(error);
        }
    }
}
