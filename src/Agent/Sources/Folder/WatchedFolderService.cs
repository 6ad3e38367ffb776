namespace Edge.Agent.Sources.Folder;

using System.Text.Json;
using Edge.Agent.Hosting;
using Edge.Agent.Hosting.Readiness;
using Edge.Inference;
using Edge.Shared.Serialization;
using Microsoft.Extensions.Options;

/// <summary>
/// Polls the folder (inotify misses files on network and some FUSE mounts; one listing a second costs nothing) and
/// answers each new frame through <see cref="FramePipeline"/>: the frame moves to <c>done/</c> next to
/// <c>NAME.result.json</c> (the <c>InferenceAnswer</c>), or to <c>failed/</c> next to <c>NAME.error.txt</c>.
/// A folder that cannot be read is a fault in <c>/v1/status/device</c>, retried every interval; the API keeps serving.
/// </summary>
internal sealed class WatchedFolderService(
    FramePipeline pipeline,
    DeviceHealth health,
    SourceEvents events,
    IOptions<WatchedFolderOptions> options,
    IOptions<AgentOptions> agent,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<WatchedFolderService> logger) : BackgroundService
{
    public const string Component = "source:folder";
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".json"];

    /// <summary>
    /// Frames that could be moved neither to done/ nor to failed/ (a full disk, a read-only or blocked folder): skipped
    /// until they leave the folder, so one is not answered again every interval (pulsing GPIO, adding outbox entries).
    /// Touched by the scan loop only.
    /// </summary>
    private readonly HashSet<string> _stuck = new(StringComparer.Ordinal);

    /// <summary>Checks the folder once before the host reports started, so a bad path is in the status from the first moment.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.Path))
        {
            var folder = Path.GetFullPath(o.Path, agent.Value.ResolveStateDirectory(environment.ContentRootPath));
            _ = TryList(folder, Path.GetFullPath(o.DoneDirectory ?? "done", folder), Path.GetFullPath(o.FailedDirectory ?? "failed", folder), o);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Path))
        {
            return;
        }

        var folder = Path.GetFullPath(o.Path, agent.Value.ResolveStateDirectory(environment.ContentRootPath));
        var done = Path.GetFullPath(o.DoneDirectory ?? "done", folder);
        var failed = Path.GetFullPath(o.FailedDirectory ?? "failed", folder);
        SourcesLog.Watching(logger, folder, o.PollInterval, done, failed);
        using var timer = new PeriodicTimer(o.PollInterval, time);
        try
        {
            do
            {
                try
                {
                    await ScanAsync(folder, done, failed, o, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    SourcesLog.LoopFailed(logger, Component, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ScanAsync(string folder, string done, string failed, WatchedFolderOptions o, CancellationToken cancellationToken)
    {
        var files = TryList(folder, done, failed, o);
        if (files is null)
        {
            return;
        }

        Array.Sort(files, StringComparer.Ordinal);
        _stuck.IntersectWith(files);
        foreach (var file in files)
        {
            if (IsFrame(file) && !_stuck.Contains(file))
            {
                await HandleAsync(file, done, failed, o.MaxFileBytes, cancellationToken);
            }
        }
    }

    /// <summary>The folder's files, or null with the reason reported as a fault.</summary>
    private string[]? TryList(string folder, string done, string failed, WatchedFolderOptions o)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(folder);
            Directory.CreateDirectory(done);
            Directory.CreateDirectory(failed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is DirectoryNotFoundException
                ? $"'{folder}' does not exist or is not a folder (Sources:Folder:Path)"
                : $"cannot use '{folder}': {e.Message} (the agent's user needs read and write access; under systemd the folder must be in ReadWritePaths=)";
            if (health.Report(Component, ComponentState.Fault, reason))
            {
                SourcesLog.FolderUnusable(logger, reason, o.PollInterval);
            }

            return null;
        }

        if (health.Get(Component)?.State == ComponentState.Fault)
        {
            SourcesLog.FolderRecovered(logger, folder);
        }

        health.Report(Component, ComponentState.Ok);
        return files;
    }

    private static bool IsFrame(string file)
    {
        var name = Path.GetFileName(file);
        return name[0] != '.'
            && !name.EndsWith(".result.json", StringComparison.OrdinalIgnoreCase)
            && Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);
    }

    private async Task HandleAsync(string file, string done, string failed, int maxBytes, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        try
        {
            var length = new FileInfo(file).Length;
            if (length > maxBytes)
            {
                throw new InvalidInputException($"{length} bytes, more than Sources:Folder:MaxFileBytes ({maxBytes})");
            }

            var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
            var answer = await pipeline.InferAsync(bytes, null, "folder:" + name, cancellationToken);
            await File.WriteAllBytesAsync(
                Path.Combine(done, name + ".result.json"), JsonSerializer.SerializeToUtf8Bytes(answer, EdgeJsonContext.Default.InferenceAnswer), cancellationToken);
            File.Move(file, Path.Combine(done, name), overwrite: true);
            events.Publish(new FrameOutcome(Component, name, answer, null));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure of this one frame (bad input, unreadable file, the model throwing on it) moves it aside:
            // left in place it would be retried every interval and hold up every frame sorted after it.
            SourcesLog.FileRefused(logger, name, e.Message, failed);
            try
            {
                await File.WriteAllTextAsync(Path.Combine(failed, name + ".error.txt"), e.Message + Environment.NewLine, cancellationToken);
                File.Move(file, Path.Combine(failed, name), overwrite: true);
            }
            catch (Exception stuck) when (stuck is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _stuck.Add(file);
                SourcesLog.FileStuck(logger, name, stuck.Message);
            }

            events.Publish(new FrameOutcome(Component, name, null, e.Message));
        }
    }
}
