namespace Edge.Cli;

using System.CommandLine;
using Edge.Cli.Cloud;
using Edge.Cli.Models;
using Edge.Cli.Thresholds;
using Spectre.Console;

/// <summary>The root command; tests invoke it in-process with their own console and arguments.</summary>
internal static class CliApp
{
    public static RootCommand Build(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var cloud = CloudOption.Create();
        var root = new RootCommand("Edge operator tool: publish models to the cloud's registry and manage confidence thresholds.")
        {
            cloud,
        };
        var context = new CliContext(console, cloud);
        root.Subcommands.Add(ModelsCommand.Create(context));
        root.Subcommands.Add(ThresholdsCommand.Create(context));
        return root;
    }

    public static Task<int> InvokeAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken) =>
        Build(console).Parse(args).InvokeAsync(new InvocationConfiguration(), cancellationToken);
}
