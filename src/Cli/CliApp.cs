namespace Edge.Cli;

using System.CommandLine;
using System.CommandLine.Parsing;
using Edge.Cli.Cloud;
using Edge.Cli.Devices;
using Edge.Cli.Keys;
using Edge.Cli.Models;
using Edge.Cli.Rollouts;
using Edge.Cli.Tokens;
using Edge.Cli.Thresholds;
using Spectre.Console;

/// <summary>The root command; tests invoke it in-process with their own console and arguments.</summary>
internal static class CliApp
{
    public static RootCommand Build(IAnsiConsole console, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        var cloud = CloudOption.Create();
        var root = new RootCommand("Edge operator tool: publish models, roll them out to devices, manage confidence thresholds, and see devices and groups.")
        {
            cloud,
        };
        var context = new CliContext(console, cloud, TimeProvider.System, environment ?? Environment.GetEnvironmentVariable);
        root.Subcommands.Add(ModelsCommand.Create(context));
        root.Subcommands.Add(ThresholdsCommand.Create(context));
        root.Subcommands.Add(RolloutsCommand.Create(context));
        root.Subcommands.Add(KeysCommand.Create(context));
        root.Subcommands.Add(DevicesCommand.Create(context));
        root.Subcommands.Add(GroupsCommand.Create(context));
        root.Subcommands.Add(TokensCommand.Create(context));
        root.Subcommands.Add(LoadControl.CurveCommand.Create(context));
        root.Subcommands.Add(LoadControl.ControllerCommand.Create(context));
        return root;
    }

    /// <summary>Bad arguments are reported on <paramref name="console"/> with exit code 2, before any request.</summary>
    public static Task<int> InvokeAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken, Func<string, string?>? environment = null)
    {
        var parse = Build(console, environment).Parse(args);
        if (parse.Errors.Count == 0)
        {
            return parse.InvokeAsync(new InvocationConfiguration(), cancellationToken);
        }

        foreach (var error in parse.Errors)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
        }

        var command = string.Join(' ', Path(parse.CommandResult).Prepend("edge"));
        console.MarkupLine($"[grey]see '{Markup.Escape(command)} --help'[/]");
        return Task.FromResult(ExitCodes.Usage);
    }

    private static Stack<string> Path(CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current.Parent is CommandResult parent; current = parent)
        {
            names.Push(current.Command.Name);
        }

        return names;
    }
}
