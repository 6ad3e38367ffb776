namespace Edge.Cli.Devices;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Shared.Serialization;
using Spectre.Console;

/// <summary><c>edge groups list</c>: groups as devices report them (the cloud keeps no group list of its own).</summary>
internal static class GroupsCommand
{
    public static Command Create(CliContext context)
    {
        var groups = new Command("groups", "Device groups, derived from what devices report.");
        var list = new Command("list", "List the groups devices reported, with how many devices and which model versions each has.");
        list.SetAction((parse, ct) => context.RunAsync(parse, async (cloud, token) =>
        {
            var devices = await cloud.GetAsync("/v1/devices", EdgeJsonContext.Default.ReportedConfigArray, token);
            if (devices.Length == 0)
            {
                context.Console.MarkupLine("[grey]no device has reported yet[/]");
                return;
            }

            var table = new Table().AddColumns("group", "devices", "model versions");
            foreach (var group in devices.GroupBy(d => d.Group).OrderBy(g => g.Key is null).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                var versions = group.GroupBy(DeviceView.Model).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} ×{v.Count()}");
                table.AddRow(group.Key is null ? "[grey](none)[/]" : Markup.Escape(group.Key), Format.Integer(group.Count()), Markup.Escape(string.Join(", ", versions)));
            }

            context.Console.Write(table);
        }, ct));
        groups.Subcommands.Add(list);
        return groups;
    }
}
