namespace Edge.Cli.Models;

using System.CommandLine;
using System.Globalization;
using Edge.Cli.Cloud;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary>
/// <c>edge models reference set NAME --data DATA --floor F</c> (admin) and <c>edge models reference show NAME</c>: the
/// cloud's own held-out set for a model name, and the top-1 floor every publish of that name must reach on it.
/// </summary>
internal static class ReferenceCommand
{
    public static Command Create(CliContext context)
    {
        var reference = new Command("reference", "The held-out set and accuracy floor the cloud judges every publish of a model name on (admin sets, anyone reads).");
        reference.Subcommands.Add(Set(context));
        reference.Subcommands.Add(Show(context));
        return reference;
    }

    private static Command Set(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Model name in the registry" };
        var data = new Option<string>("--data")
        {
            Description = "Labelled held-out data: an ImageFolder directory, JSON lines of {\"tensor\"|\"image\", \"label\"}, or a digit data set",
            Required = true,
        };
        var floor = new Option<double>("--floor") { Description = "Minimum top-1 accuracy (0 to 1) a publish must reach on it", Required = true };
        floor.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var f && !(f is >= 0 and <= 1))
            {
                result.AddError($"--floor must be a share from 0 to 1 (0.95 is 95 %), not {Format.Number(f)}");
            }
        });
        var command = new Command("set", "Set (or replace) the reference set of a model name; admin only.") { name, data, floor };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var n = parse.GetRequiredValue(name);
            using var form = new MultipartFormDataContent();
            await DataPart.AddAsync(form, "data", parse.GetRequiredValue(data), token);
            form.Add(new StringContent(parse.GetValue(floor).ToString("R", CultureInfo.InvariantCulture)), "floor");
            var set = await cloud.PutAsync($"/v1/models/{Uri.EscapeDataString(n)}/reference", form, EdgeJsonContext.Default.ModelReference, token);
            context.Console.Write(Table(set));
        }, ct));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Model name in the registry" };
        var command = new Command("show", "Show a model name's reference set: samples, floor, who set it and when (never the data).") { name };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var n = parse.GetRequiredValue(name);
            var found = await cloud.FindAsync($"/v1/models/{Uri.EscapeDataString(n)}/reference", EdgeJsonContext.Default.ModelReference, token);
            if (found is null)
            {
                context.Console.MarkupLine($"[yellow]{Markup.Escape(n)} has no reference set[/]; set one with: edge models reference set {Markup.Escape(n)} --data FILE --floor F");
                return ExitCodes.CloudError;
            }

            context.Console.Write(Table(found));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Table Table(ModelReference r)
    {
        var table = new Table().Title($"Reference set of {Markup.Escape(r.Name)}").AddColumn("").AddColumn("");
        table.AddRow("samples", Format.Integer(r.Samples));
        table.AddRow("form", Markup.Escape(r.Form));
        table.AddRow("floor (top-1)", PublishCommand.Percent(r.Floor));
        table.AddRow("set by", Markup.Escape(r.SetBy));
        table.AddRow("set at", Format.Time(r.SetAt));
        return table;
    }
}
