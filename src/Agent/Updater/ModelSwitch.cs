namespace Edge.Agent.Updater;

using Edge.Agent.Observability;
using Edge.Agent.Serving;
using Edge.Inference;
using Edge.Shared.Updates;
using Edge.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// Puts a self-tested model into service: swap (requests continue), record it in <c>current.json</c>, report HealthCheck,
/// then the health window with the previous model still loaded: a broken window swaps back and reports RolledBack, a
/// passed one reports Applied. Only Applied is final, so a rollout's canaries are judged on their windows.
/// </summary>
internal sealed class ModelSwitch(
    LocalModel local,
    InstalledModels installed,
    CurrentModelFile current,
    FailedPackages failed,
    HealthWindow health,
    UpdateStatusReporter status,
    UpdateMetrics metrics,
    UpdatePaths paths,
    IOptions<UpdaterOptions> options,
    TimeProvider time,
    ILogger<ModelSwitch> logger)
{
    public async Task ApplyAsync(
        PackageManifest manifest, OnnxModel candidate, string packageId, ModelStatus target, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(candidate);
        var before = current.Read(out _);
        var previousInstalled = installed.VersionOf(manifest.Name, local.Model.ManifestPath);
        var next = new ServedModel(candidate);
        var previous = local.Swap(next);
        metrics.Swaps.Increment();
        try
        {
            current.Write(new CurrentModel(manifest.Name, manifest.Version, previousInstalled, packageId));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Serving a version the next start would not pick is an inconsistent state: undo the swap.
            local.Swap(previous);
            candidate.Dispose();
            throw new PackageRejectedException(UpdateFailure.StorageError, $"could not write {current.Path}: {e.Message}", e);
        }

        logger.Applied(manifest.Name, manifest.Version, elapsed.TotalMilliseconds, previous.Model.Version, options.Value.HealthWindow);
        DeleteDownloads();
        await ReportAsync(target, UpdateState.HealthCheck, null, $"serving; health window of {options.Value.HealthWindow}", cancellationToken);

        string? broken;
        try
        {
            broken = await health.WatchAsync(next.Stats, previous.Stats, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping inside the window: the new model stays (current.json names it); the old one goes with the process.
            previous.Model.Dispose();
            throw;
        }

        if (broken is null)
        {
            previous.Model.Dispose();
            var p99 = next.Stats.P99Milliseconds();
            logger.Healthy(manifest.Name, manifest.Version, next.Stats.Requests, next.Stats.ErrorRate, p99);
            EndTrial(new CurrentModel(manifest.Name, manifest.Version, previousInstalled));
            Prune(manifest, previousInstalled);
            await ReportAsync(target, UpdateState.Applied, null, null, cancellationToken);
            return;
        }

        local.Swap(previous);
        candidate.Dispose();
        RestoreCurrent(before);
        installed.Remove(manifest.Name, manifest.Version);
        failed.Remember(new FailedPackage(packageId, manifest.Version, UpdateFailure.HealthWindow, broken, time.GetUtcNow()));
        logger.RolledBack(manifest.Version, previous.Model.Version, broken);
        await ReportAsync(target, UpdateState.RolledBack, UpdateFailure.HealthWindow, broken, cancellationToken);
    }

    private Task ReportAsync(ModelStatus target, UpdateState state, UpdateFailure? failure, string? detail, CancellationToken cancellationToken)
    {
        target.State = state;
        target.Failure = failure;
        target.Detail = detail;
        metrics.RecordOutcome(state, failure);
        return status.ReportAsync(UpdateProcess.Copy(target), cancellationToken);
    }

    /// <summary>The window passed: the version is no longer on trial, so a restart serves it.</summary>
    private void EndTrial(CurrentModel judged)
    {
        try
        {
            current.Write(judged);
            File.Delete(paths.TrialFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A start that still sees the trial serves the previous version and installs this one again: safe, only slower.
            logger.CleanupFailed(e, current.Path);
        }
    }

    private void DeleteDownloads()
    {
        try
        {
            PartFile.DeleteAll(paths);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.CleanupFailed(e, paths.Downloads);
        }
    }

    private void RestoreCurrent(CurrentModel? before)
    {
        try
        {
            if (before is null)
            {
                current.Clear();
            }
            else
            {
                current.Write(before);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The rolled-back version's folder is removed next, so a start that reads the stale file falls back anyway.
            logger.CleanupFailed(e, current.Path);
        }
    }

    private void Prune(PackageManifest manifest, string? previousInstalled)
    {
        var keep = new[] { manifest.Version, previousInstalled }.OfType<string>().Take(options.Value.KeepVersions).ToList();
        try
        {
            installed.Prune(manifest.Name, keep);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.CleanupFailed(e, manifest.Name);
        }
    }
}
