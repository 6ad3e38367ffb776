namespace Edge.Agent.Sources.Camera;

using System.Diagnostics;
using Edge.Agent.Hosting;
using Microsoft.Extensions.Options;

/// <summary>A frame from whatever the device captures with; the GPIO trigger and the interval loop both take from here.</summary>
internal interface ICaptureSource
{
    bool IsConfigured { get; }

    /// <exception cref="CaptureException">No frame, with the reason.</exception>
    Task<byte[]> CaptureAsync(CancellationToken cancellationToken);
}

internal sealed class CaptureException(string message) : Exception(message);

/// <summary>
/// Runs the configured command (no shell) to write a frame to the output path, then reads it. One capture at a time:
/// a camera is one device, and the trigger and the interval loop may ask together.
/// </summary>
internal sealed class CommandCapture(IOptions<CameraOptions> options, IOptions<AgentOptions> agent, IHostEnvironment environment, TimeProvider time)
    : ICaptureSource, IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Command);

    public async Task<byte[]> CaptureAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!IsConfigured)
        {
            throw new CaptureException("no capture command is configured (Sources:Camera:Command)");
        }

        var output = Path.GetFullPath(o.OutputPath, agent.Value.ResolveStateDirectory(environment.ContentRootPath));
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            File.Delete(output); // a stale frame must never pass for a new one
            await RunAsync(o, output, cancellationToken);
            return File.Exists(output)
                ? await File.ReadAllBytesAsync(output, cancellationToken)
                : throw new CaptureException($"'{o.Command}' exited 0 but wrote no file at {output}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaptureException($"frame file {output}: {e.Message}");
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    private async Task RunAsync(CameraOptions o, string output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(o.Command!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in o.Arguments)
        {
            start.ArgumentList.Add(argument.Replace("{output}", output, StringComparison.Ordinal));
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CaptureException($"cannot start '{o.Command}': {e.Message} (Sources:Camera:Command)");
        }

        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(o.Timeout, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new CaptureException($"'{o.Command}' did not finish within {o.Timeout.TotalSeconds:0.###} s and was killed (Sources:Camera:Timeout)");
        }

        if (process.ExitCode != 0)
        {
            var error = (await stderr).Trim();
            throw new CaptureException($"'{o.Command}' exited with {process.ExitCode}: {(error.Length > 300 ? error[..300] : error)}");
        }
    }
}
