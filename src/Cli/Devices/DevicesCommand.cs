namespace Edge.Cli.Devices;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge devices list [--group G]</c> and <c>edge devices show ID</c>: what devices last reported applying.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliContext context)
    {
        var devices = new Command("devices", "Devices as they last reported: group, model version, execution provider, threshold.");
        devices.Subcommands.Add(List(context));
        devices.Subcommands.Add(Show(context));
        return devices;
    }

    private static Command List(CliContext context)
    {
        var group = new Option<string?>("--group") { Description = "Only devices that reported this group" };
        var command = new Command("list", "List every device that reported its config.") { group };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var filter = parse.GetValue(group);
            var rows = (await cloud.GetAsync("/v1/devices", EdgeJsonContext.Default.ReportedConfigArray, token))
                .Where(d => filter is null || string.Equals(d.Group, filter, StringComparison.Ordinal))
                .ToArray();
            if (rows.Length == 0)
            {
                context.Console.MarkupLine(filter is null ? "[grey]no device has reported yet[/]" : $"[grey]no device reported group '{Markup.Escape(filter)}'[/]");
                return;
            }

            context.Console.Write(DeviceView.List(rows));
        }, ct));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "The device id" };
        var command = new Command("show", "Show everything one device last reported.") { id };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var device = await cloud.GetAsync($"/v1/devices/{Uri.EscapeDataString(parse.GetRequiredValue(id))}", EdgeJsonContext.Default.ReportedConfig, token);
            context.Console.Write(DeviceView.Detail(device));
        }, ct));
        return command;
    }
}
