namespace Edge.Cli.Tests;

using Edge.TestSupport;
using Spectre.Console;
using Xunit;

/// <summary>Runs the <c>edge</c> root command in-process on a plain, wide, non-interactive console and captures what it wrote.</summary>
internal static class CliRunner
{
    /// <summary>As an admin: <c>EDGE_TOKEN</c> is the test cloud's admin token.</summary>
    public static Task<(int Code, string Output)> RunAsync(params string[] args) =>
        RunAsAsync(new Dictionary<string, string?> { ["EDGE_TOKEN"] = TestCredentials.Token("admin") }, args);

    /// <summary>With exactly <paramref name="environment"/> as the CLI's environment.</summary>
    public static async Task<(int Code, string Output)> RunAsAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
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
        var code = await CliApp.InvokeAsync(args, console, TestContext.Current.CancellationToken, name => environment.GetValueOrDefault(name));
        return (code, writer.ToString());
    }
}
