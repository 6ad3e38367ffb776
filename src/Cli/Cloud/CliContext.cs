namespace Edge.Cli.Cloud;

using System.CommandLine;
using Spectre.Console;

/// <summary>What every command needs: where to write, and how to reach the cloud.</summary>
internal sealed class CliContext(IAnsiConsole console, Option<Uri> cloud)
{
    public IAnsiConsole Console { get; } = console;

    public Option<Uri> Cloud { get; } = cloud;

    /// <summary>
    /// Runs a command body against the cloud named on the command line; a <see cref="CloudException"/> becomes a
    /// red message and exit code 1 (2 for a usage problem found before any request), never a stack trace.
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, Func<CloudClient, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        var url = parse.GetRequiredValue(Cloud);
        using var client = new CloudClient(url);
        try
        {
            await body(client, cancellationToken);
            return 0;
        }
        catch (CloudException e)
        {
            Console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return e.ExitCode;
        }
    }
}
