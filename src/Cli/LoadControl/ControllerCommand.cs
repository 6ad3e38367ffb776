namespace Edge.Cli.LoadControl;

using System.CommandLine;
using System.Globalization;
using Edge.Cli.Cloud;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge controller status|enable|disable|target RPS</c> against <c>/v1/controller</c>.</summary>
internal static class ControllerCommand
{
    public static Command Create(CliContext context)
    {
        var controller = new Command("controller", "The load controller that holds the cloud's request rate at a target by moving group thresholds.");
        controller.Subcommands.Add(Status(context));
        controller.Subcommands.Add(Switch(context, enable: true));
        controller.Subcommands.Add(Switch(context, enable: false));
        controller.Subcommands.Add(Target(context));
        return controller;
    }

    private static Command Status(CliContext context)
    {
        var command = new Command("status", "Target, tuning, and per group: threshold, bounds, rates, pin, last action.");
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
            Render(context.Console, await cloud.GetAsync("/v1/controller", EdgeJsonContext.Default.ControllerStatus, token)), ct));
        return command;
    }

    private static Command Switch(CliContext context, bool enable)
    {
        var group = new Option<string?>("--group") { Description = "Only this group (the controller leaves a switched-off group alone)" };
        group.Validators.Add(r => CurveCommand.AddError(r, r.GetValueOrDefault<string?>() is { } g ? ConfigRules.ValidateName(g, "group") : null));
        var command = new Command(enable ? "enable" : "disable", enable ? "Switch the controller on, for the fleet or one group." : "Switch the controller off, for the fleet or one group.") { group };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var status = parse.GetValue(group) is { } g
                ? await cloud.PutJsonAsync($"/v1/controller/groups/{Uri.EscapeDataString(g)}", new ControllerGroupUpdate { Enabled = enable, By = Environment.UserName },
                    EdgeJsonContext.Default.ControllerGroupUpdate, EdgeJsonContext.Default.ControllerStatus, token)
                : await cloud.PutJsonAsync("/v1/controller", new ControllerUpdate { Enabled = enable, By = Environment.UserName },
                    EdgeJsonContext.Default.ControllerUpdate, EdgeJsonContext.Default.ControllerStatus, token);
            Render(context.Console, status);
        }, ct));
        return command;
    }

    private static Command Target(CliContext context)
    {
        var rps = new Argument<double>("rps")
        {
            Description = "Cloud capacity the fleet should stay under, requests per second (> 0)",
            CustomParser = Numbers.Parser("target (requests per second)", 0, 1e9, minExclusive: true),
        };
        var command = new Command("target", "Set the cloud request rate the controller holds the fleet under.") { rps };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
            Render(context.Console, await cloud.PutJsonAsync("/v1/controller", new ControllerUpdate { TargetCloudRps = parse.GetValue(rps), By = Environment.UserName },
                EdgeJsonContext.Default.ControllerUpdate, EdgeJsonContext.Default.ControllerStatus, token)), ct));
        return command;
    }

    private static void Render(IAnsiConsole console, ControllerStatus s)
    {
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"controller [bold]{(s.Enabled ? "enabled" : "disabled")}[/], target {Format.Number(s.TargetCloudRps)} req/s, cloud rate {s.CloudRate:0.##} req/s, period {s.PeriodSeconds:0.##} s, max step {s.MaxStep:0.###}, dead band {s.DeadBand:0.##}, pin {s.PinSeconds:0} s, last run {(s.LastRun is { } r ? Format.Time(r) : "never")}"));
        var table = new Table().AddColumns("group", "controlled", "threshold", "bounds", "req/s", "cloud req/s", "target req/s", "pinned until", "last action");
        foreach (var g in s.Groups)
        {
            table.AddRow(
                Markup.Escape(g.Group), g.Enabled ? "yes" : "no", Format.Number(g.Threshold),
                string.Create(CultureInfo.InvariantCulture, $"[[{g.BoundMin:0.###}, {g.BoundMax:0.###}]]"),
                g.RequestRate.ToString("0.##", CultureInfo.InvariantCulture), g.CloudRate.ToString("0.##", CultureInfo.InvariantCulture),
                Format.Number(g.TargetCloudRate), g.PinnedUntil is { } p ? Format.Time(p) : "-", Markup.Escape(g.LastAction ?? "-"));
        }

        console.Write(table);
    }
}
