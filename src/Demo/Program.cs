using Edge.Demo;
using Spectre.Console;

using var stop = new CancellationTokenSource();

// The first Ctrl+C stops the demo cleanly (hosts stopped, temp folder removed); a second one ends the process at once.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};

try
{
    return await DemoRunner.RunAsync(args, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    AnsiConsole.MarkupLine("[yellow]Stopped.[/]");
    return 130;
}
catch (Exception e)
{
    // A port in use, a missing model or data file: one clear line and a failing exit code, not a stack trace.
    AnsiConsole.MarkupLine($"[red]The demo failed:[/] {Markup.Escape(e.GetType().Name)}: {Markup.Escape(e.Message)}");
    return 1;
}
