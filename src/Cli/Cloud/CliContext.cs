namespace Edge.Cli.Cloud;

using System.CommandLine;
using Spectre.Console;

/// <summary>What every command needs: where to write, how to reach the cloud, and the clock that paces polling.</summary>
internal sealed class CliContext(IAnsiConsole console, Option<Uri> cloud, TimeProvider time, Func<string, string?> environment)
{
    public IAnsiConsole Console { get; } = console;

    public Option<Uri> Cloud { get; } = cloud;

    public TimeProvider Time { get; } = time;

    /// <summary>Environment variables; tests pass their own instead of the process's.</summary>
    public Func<string, string?> Environment { get; } = environment;

    /// <summary>
    /// Runs a command body against the cloud named on the command line; a <see cref="CloudException"/> becomes a
    /// red message and exit code 1 (2 for a usage problem found before any request), never a stack trace.
    /// </summary>
    public Task<int> RunAsync(ParseResult parse, Func<CloudClient, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunAsync(
            parse,
            async (client, token) =>
            {
                await body(client, token);
                return ExitCodes.Success;
            },
            cancellationToken);
    }

    /// <summary>As above, for a body that picks its own exit code (a watched rollout that halted, say).</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<CloudClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        var url = parse.GetRequiredValue(Cloud);
        try
        {
            using var client = new CloudClient(url, CliToken.Read(Environment));
            return await body(client, cancellationToken);
        }
        catch (CloudException e)
        {
            Console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return e.ExitCode;
        }
    }
}
