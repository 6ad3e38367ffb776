namespace Edge.Cli.Devices;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Shared.Security;
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
        devices.Subcommands.Add(Enroll(context));
        devices.Subcommands.Add(Revoke(context));
        return devices;
    }

    private static Command Enroll(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "The device id" };
        var group = new Option<string>("--group") { Description = "The group the device belongs to; its own messages cannot change it", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the credentials file (default: ID.credentials.json), mode 0600" };
        var command = new Command("enroll", "Issue a device its credential (enrolling again rotates it) and write the file its installer drops in place (Agent:CredentialsFile).") { id, group, output };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var deviceId = parse.GetRequiredValue(id);
            var credentials = await cloud.PostJsonAsync(
                $"/v1/devices/{Uri.EscapeDataString(deviceId)}/enroll",
                new DeviceEnrollRequest { Group = parse.GetRequiredValue(group) },
                EdgeJsonContext.Default.DeviceEnrollRequest,
                EdgeJsonContext.Default.DeviceCredentials,
                token);
            var path = parse.GetValue(output)?.FullName ?? Path.GetFullPath(deviceId + ".credentials.json");
            CredentialsFile.Write(path, credentials);
            context.Console.MarkupLine($"enrolled [bold]{Markup.Escape(deviceId)}[/] in group {Markup.Escape(credentials.Group)}; credentials written to {Markup.Escape(path)} (mode 0600)");
            context.Console.MarkupLine("[grey]install it on the device and set Agent__CredentialsFile to its path[/]");
        }, ct));
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "The device id" };
        var command = new Command("revoke", "Withdraw a device's credential: its HTTP calls and MQTT logins are refused from now on.") { id };
        command.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var deviceId = parse.GetRequiredValue(id);
            await cloud.SendAsync(HttpMethod.Post, $"/v1/devices/{Uri.EscapeDataString(deviceId)}/revoke", token);
            context.Console.MarkupLine($"revoked the credential of {Markup.Escape(deviceId)}");
        }, ct));
        return command;
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
