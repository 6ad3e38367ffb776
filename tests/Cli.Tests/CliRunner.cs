namespace Edge.Cli.Tests;

using Spectre.Console;
using Xunit;

/// <summary>Runs the <c>edge</c> root command in-process on a plain, wide, non-interactive console and captures what it wrote.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 240;
        var code = await CliApp.InvokeAsync(args, console, TestContext.Current.CancellationToken);
        return (code, writer.ToString());
    }
}
