namespace Edge.Cli;

using Spectre.Console;

internal static class Program
{
    public static Task<int> Main(string[] args) => CliApp.InvokeAsync(args, AnsiConsole.Console, CancellationToken.None);
}
