namespace Edge.Integration.Tests;

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Edge.TestSupport;

/// <summary>
/// The agent as a real process (its Program.cs) refusing to start: one critical line naming the reason, the exit code
/// docs/agent.md documents, and no stack trace anywhere in what it wrote.
/// </summary>
public sealed partial class StartupFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-startup-fail-").FullName;

    [Fact]
    public async Task A_missing_model_ends_the_agent_with_one_critical_line_and_exit_code_66()
    {
        var missing = Path.Combine(_dir, "no-such-folder", "model.manifest.json");

        var exited = await RunAsync(new() { ["Inference__Manifest"] = missing });

        AssertRefused(exited, 66, "The agent cannot serve", missing);
    }

    [Fact]
    public async Task A_corrupt_model_file_ends_the_agent_with_one_critical_line_and_exit_code_66()
    {
        var manifest = Path.Combine(_dir, "digits-edge.manifest.json");
        File.Copy(RepoPaths.Model("digits-edge.manifest.json"), manifest);
        var model = File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"));
        model[model.Length / 2] ^= 0xFF;
        var file = Path.Combine(_dir, "digits-edge.onnx");
        File.WriteAllBytes(file, model);

        var exited = await RunAsync(new() { ["Inference__Manifest"] = manifest });

        AssertRefused(exited, 66, "The agent cannot serve", file, "SHA-256");
    }

    [Fact]
    public async Task An_invalid_option_ends_the_agent_with_one_critical_line_naming_it_and_exit_code_78()
    {
        // Validated before the model loads, though the model is the first to read it.
        var exited = await RunAsync(new() { ["Inference__Slots"] = "0" });

        AssertRefused(exited, 78, "invalid configuration", "Inference:Slots", "between 1 and 256");
    }

    [Theory]
    [InlineData("Updates__BlockTimeout", "10s", "'10s' at 'Updates:BlockTimeout'")]
    [InlineData("Inference__Slots", "four", "'four' at 'Inference:Slots'")]
    [InlineData("Agent__Urls", "garbage", "Agent:Urls: Invalid url: 'garbage'")]
    [InlineData("Serilog__MinimumLevel__Default", "Loud", "Serilog:MinimumLevel: The value Loud is not a valid Serilog level")]
    public async Task A_value_that_cannot_be_read_ends_the_agent_with_one_critical_line_naming_it_and_exit_code_78(string key, string value, string named)
    {
        var exited = await RunAsync(new() { [key] = value });

        AssertRefused(exited, 78, "invalid configuration", named);
    }

    [Fact]
    public async Task An_api_address_in_use_ends_the_agent_with_one_critical_line_and_exit_code_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var exited = await RunAsync(new() { ["Agent__Urls"] = $"http://127.0.0.1:{port}" });

        AssertRefused(exited, 1, "The agent cannot start", $"127.0.0.1:{port}", "address already in use");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertRefused(Exited exited, int exitCode, params string[] reason)
    {
        var output = string.Join('\n', exited.Lines);
        Assert.True(exited.ExitCode == exitCode, $"exit code {exited.ExitCode}, expected {exitCode}; the agent wrote:\n{output}");
        var critical = Assert.Single(exited.Lines, line => CriticalLine().IsMatch(line));
        foreach (var part in reason)
        {
            Assert.Contains(part, critical, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(exited.Lines, line => StackFrame().IsMatch(line) || line.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    /// <summary>Serilog's console line for LogLevel.Critical.</summary>
    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d FTL\] ")]
    private static partial Regex CriticalLine();

    /// <summary>A frame of a .NET stack trace, or the marker between an exception and its inner one.</summary>
    [GeneratedRegex(@"^\s+at \S+|^\s*--- End of|^\s*---> ")]
    private static partial Regex StackFrame();

    private Task<Exited> RunAsync(Dictionary<string, string> environment)
    {
        // Every level, so a stack trace at any level is seen; no broker, so nothing but start-up is logged.
        environment.TryAdd("Serilog__MinimumLevel__Default", "Information");
        environment.TryAdd("Mqtt__Enabled", "false");
        return AgentProcess.RunToExitAsync(Path.Combine(_dir, "state"), environment, TestContext.Current.CancellationToken);
    }
}
