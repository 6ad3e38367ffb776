namespace Edge.Cli.Models;

using System.CommandLine;
using System.Globalization;
using Edge.Cli.Cloud;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge models list [--name N]</c>: every published version.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string?>("--name") { Description = "Only this model's versions" };
        var command = new Command("list", "List published models and their versions.") { name };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var filter = parse.GetValue(name);
            var path = filter is null ? "/v1/models" : $"/v1/models?name={Uri.EscapeDataString(filter)}";
            var rows = await cloud.GetAsync(path, EdgeJsonContext.Default.PublishedModelArray, token);
            if (rows.Length == 0)
            {
                context.Console.MarkupLine("[grey]no models published[/]");
                return;
            }

            var table = new Table().AddColumns("name", "version", "quantization", "bytes", "FP32 top-1", "INT8 top-1", "agreement", "published");
            foreach (var r in rows)
            {
                table.AddRow(
                    Markup.Escape(r.Name), Markup.Escape(r.Version), r.Quantization, PublishCommand.Bytes(r.SizeBytes),
                    PublishCommand.Percent(r.Fp32Accuracy), PublishCommand.Percent(r.Int8Accuracy), PublishCommand.Percent(r.Int8Agreement),
                    r.PublishedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            context.Console.Write(table);
        }, ct));
        return command;
    }
}
