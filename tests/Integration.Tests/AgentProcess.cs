namespace Edge.Integration.Tests;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;

/// <summary>The agent as a real process (its own Program.cs), configured through environment variables like under systemd.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;

    private AgentProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public static async Task<AgentProcess> StartAsync(string state, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var port = FreePort.Next();
        var process = Process.Start(StartInfo(port, state, environment))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var agent = new AgentProcess(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, $"the agent exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                using var response = await agent.Http.GetAsync("/healthz", ct);
                if (response.IsSuccessStatusCode)
                {
                    return agent;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, "the agent did not come up");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Runs the agent until it exits by itself (a start-up that must fail); everything it wrote, line by line.</summary>
    public static async Task<Exited> RunToExitAsync(string state, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var stdout = new ConcurrentQueue<string>();
        var stderr = new ConcurrentQueue<string>();
        using var process = Process.Start(StartInfo(FreePort.Next(), state, environment))!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the agent did not exit; it wrote:\n{string.Join('\n', stdout.Concat(stderr))}");
        }

        // The parameterless wait also waits for the redirected streams to be read to their end.
        process.WaitForExit();
        return new Exited(process.ExitCode, [.. stdout], [.. stderr]);
    }

    public async Task<InferenceAnswer> InferAsync(TensorPayload payload, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync("/v1/infer", payload, EdgeJsonContext.Default.TensorPayload, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.InferenceAnswer, ct))!;
    }

    /// <summary>SIGKILL: no shutdown hooks, no final flush.</summary>
    public void Kill()
    {
        lock (_process)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
    }

    private static ProcessStartInfo StartInfo(int port, string state, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Edge.Agent.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Agent__Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["Agent__StateDirectory"] = state;
        info.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        Http.Dispose();
    }
}

/// <summary>How a run of the agent ended: its exit code and its output lines.</summary>
internal sealed record Exited(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)
{
    public IEnumerable<string> Lines => Stdout.Concat(Stderr);
}
