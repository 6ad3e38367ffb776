namespace Edge.Agent.Updater;

using System.Diagnostics;
using Edge.Agent.Hosting.Readiness;
using Edge.Agent.Observability;
using Edge.Agent.Serving;
using Edge.Shared.Observability;
using Edge.Shared.Updates;
using Edge.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// One desired package, start to end: verify → checks → download → verify payload → rebuild → install → self-test →
/// swap (<see cref="ModelSwitch"/>). Any refusal is reported as Failed with its reason; the running model is untouched.
/// </summary>
internal sealed class UpdateProcess(
    LocalModel local,
    PackageTrust trust,
    InstalledModels installed,
    FailedPackages failed,
    BlockDownloader downloader,
    SelfTest selfTest,
    ModelSwitch modelSwitch,
    UpdateStatusReporter status,
    UpdateMetrics metrics,
    UpdatePaths paths,
    IUpdateActivity activity,
    IOptions<UpdaterOptions> options,
    TimeProvider time,
    ILogger<UpdateProcess> logger)
{
    /// <summary>
    /// Runs one desired model. <paramref name="downloadToken"/> cancels when a newer desired arrives (only until the
    /// swap); <paramref name="stoppingToken"/> when the agent stops.
    /// </summary>
    public async Task RunAsync(ModelDesired desired, CancellationToken downloadToken, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var packageId = FailedPackages.IdOf(desired.Package);
        var target = new ModelStatus { DeviceId = string.Empty, RolloutId = desired.RolloutId };
        if (failed.Find(packageId) is { } known)
        {
            logger.KnownBad(known.Version, known.Failure);
            target.TargetVersion = known.Version;
            await ReportAsync(target, UpdateState.Failed, known.Failure, known.Detail, stoppingToken);
            return;
        }

        try
        {
            var manifest = PackageAcceptance.Accept(desired, trust, local.ModelName, options.Value);
            target.TargetVersion = manifest.Version;
            if (manifest.Version == local.ModelVersion)
            {
                logger.AlreadyRunning(manifest.Version);
                await ReportAsync(target, UpdateState.Applied, null, $"{manifest.Version} is already serving", stoppingToken);
                return;
            }

            // Anti-rollback: any old package the cloud ever signed could be replayed; only a signed rollback may go down.
            if (!manifest.AllowDowngrade && ModelVersions.Compare(manifest.Version, local.ModelVersion) < 0)
            {
                throw new PackageRejectedException(
                    UpdateFailure.Downgrade,
                    $"version {manifest.Version} is lower than {local.ModelVersion}, which this device runs, and the package is not signed as a rollback (create the rollout with allowRollback)");
            }

            // The status LED shows "updating" and /v1/status/device names it until the swap (or the refusal).
            using var updating = activity.Begin($"model {manifest.Name} {manifest.Version}");
            var started = Stopwatch.GetTimestamp();
            var model = await ObtainAsync(desired, manifest, target, downloadToken);
            await ReportAsync(target, UpdateState.SelfTest, null, null, stoppingToken);
            var manifestPath = Install(manifest, desired.Package, model);
            var candidate = TestOrRemove(manifestPath, manifest);
            await modelSwitch.ApplyAsync(manifest, candidate, packageId, target, Stopwatch.GetElapsedTime(started), stoppingToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The download folder itself failed (full or read-only disk): transient, so not remembered.
            var detail = $"could not store the update under {paths.Downloads}: {e.Message}";
            logger.Refused(target.TargetVersion ?? "an unverified package", UpdateFailure.StorageError, detail, local.ModelVersion);
            await ReportAsync(target, UpdateState.Failed, UpdateFailure.StorageError, detail, stoppingToken);
        }
        catch (PackageRejectedException e)
        {
            if (FailedPackages.IsPermanent(e.Failure))
            {
                failed.Remember(new FailedPackage(packageId, target.TargetVersion, e.Failure, e.Message, time.GetUtcNow()));
            }

            // The message may quote unverified fields (a key id, a version) from the wire: escaped, it cannot forge a log line.
            logger.Refused(target.TargetVersion ?? "an unverified package", e.Failure, LogText.Escape(e.Message, 1024), local.ModelVersion);
            await ReportAsync(target, UpdateState.Failed, e.Failure, e.Message, stoppingToken);
        }
    }

    private async Task ReportAsync(ModelStatus report, UpdateState state, UpdateFailure? failure, string? detail, CancellationToken cancellationToken)
    {
        report.State = state;
        report.Failure = failure;
        report.Detail = detail;
        if (state is UpdateState.Failed or UpdateState.Applied)
        {
            metrics.RecordOutcome(state, failure);
        }

        await status.ReportAsync(Copy(report), cancellationToken);
    }

    /// <summary>Downloads the cheapest payload, checks its hash before opening it, and rebuilds the model file.</summary>
    private async Task<byte[]> ObtainAsync(ModelDesired desired, PackageManifest manifest, ModelStatus report, CancellationToken cancellationToken)
    {
        var bases = BaseFiles();
        var payload = PackageChecks.Choose(manifest, bases.Keys);
        report.PayloadKind = payload.Kind;
        report.PayloadBytes = payload.Size;
        // Blocks of the size the signed hashes cover, so each frame can be checked; the announced size only for older packages.
        var blockSize = payload.BlockSha256 is not null ? payload.BlockSize : desired.BlockSize;
        var blocks = BlockFrame.BlockCount(payload.Size, blockSize);
        logger.Downloading(manifest.Name, manifest.Version, desired.RolloutId, payload.Kind, payload.Sha256, payload.Size, blocks);
        var partPath = await downloader.DownloadAsync(payload, blockSize, part =>
        {
            report.BlocksReceived = part.Received;
            report.BlocksTotal = part.Total;
            return ReportAsync(report, UpdateState.Downloading, null, DroppedDetail(), cancellationToken);
        }, cancellationToken);

        await ReportAsync(report, UpdateState.Verifying, null, report.Detail, cancellationToken);
        var bytes = await ReadAsync(partPath, cancellationToken);
        PartFile.Delete(paths, payload.Sha256);
        var actual = Sha256Hex.Of(bytes);
        if (actual != payload.Sha256)
        {
            throw new PackageRejectedException(
                UpdateFailure.PayloadHashMismatch, $"payload SHA-256 is {actual}, the signed manifest says {payload.Sha256}; the download was discarded");
        }

        var baseBytes = payload.Kind == PayloadKind.Delta && payload.BaseSha256 is { } sha && bases.TryGetValue(sha, out var basePath)
            ? await ReadAsync(basePath, cancellationToken)
            : [];
        return ModelPayloads.Rebuild(payload, bytes, baseBytes, manifest.ModelSize, manifest.ModelSha256);
    }

    private string? DroppedDetail()
    {
        var (truncated, badHash) = (downloader.Truncated, downloader.BadHash);
        var parts = new List<string>(2);
        if (truncated > 0)
        {
            parts.Add($"{truncated} truncated block(s)");
        }

        if (badHash > 0)
        {
            parts.Add($"{badHash} block(s) not matching their signed hash");
        }

        return parts.Count == 0 ? null : string.Join(" and ", parts) + " dropped and requested again";
    }

    /// <summary>Model files a delta can start from, by hash: the running one (whose bytes the loader verified) and installed versions.</summary>
    private Dictionary<string, string> BaseFiles()
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var running = local.Model;
        if (running.Manifest.Sha256 is { Length: > 0 } sha)
        {
            files[sha.Trim().ToLowerInvariant()] = running.ModelPath;
        }

        return files;
    }

    private string Install(PackageManifest manifest, SignedPackage package, byte[] model)
    {
        try
        {
            return installed.Install(manifest, package, model);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PackageRejectedException(UpdateFailure.StorageError, $"could not write {manifest.Name}@{manifest.Version} under {paths.Models}: {e.Message}", e);
        }
    }

    private Edge.Inference.OnnxModel TestOrRemove(string manifestPath, PackageManifest manifest)
    {
        try
        {
            return selfTest.Run(manifestPath, manifest);
        }
        catch (PackageRejectedException)
        {
            installed.Remove(manifest.Name, manifest.Version);
            throw;
        }
    }

    private static async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PackageRejectedException(UpdateFailure.StorageError, $"could not read {path}: {e.Message}", e);
        }
    }

    internal static ModelStatus Copy(ModelStatus s) => new()
    {
        DeviceId = s.DeviceId,
        State = s.State,
        TargetVersion = s.TargetVersion,
        RolloutId = s.RolloutId,
        Failure = s.Failure,
        Detail = s.Detail,
        BlocksReceived = s.BlocksReceived,
        BlocksTotal = s.BlocksTotal,
        PayloadBytes = s.PayloadBytes,
        PayloadKind = s.PayloadKind,
    };
}
