namespace Edge.Agent.Updater;

using System.Text;
using System.Text.Json;
using Edge.Shared.Updates;
using Edge.Updates;

/// <summary>
/// Packages that failed for good (bad signature, corrupt payload, failed self-test, rolled back ...), kept in
/// <c>updates/failed.json</c> so a retained desired re-delivered after every reconnect is not downloaded in a loop.
/// A different package (another hash) is always tried.
/// </summary>
internal sealed class FailedPackages(UpdatePaths paths, ILogger<FailedPackages> logger)
{
    private const int MaxEntries = 64;

    private readonly Lock _gate = new();
    private List<FailedPackage>? _entries;

    /// <summary>The package's identity: the signed manifest bytes with their key and signature.</summary>
    public static string IdOf(SignedPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return Sha256Hex.Of(Encoding.UTF8.GetBytes($"{package.Manifest}\n{package.KeyId}\n{package.Signature}"));
    }

    /// <summary>Failures a later attempt could fix (a newly trusted key, a full disk, a link that came back) are not remembered.</summary>
    public static bool IsPermanent(UpdateFailure failure) =>
        failure is not (UpdateFailure.UnknownSigningKey or UpdateFailure.Timeout or UpdateFailure.StorageError or UpdateFailure.TruncatedBlock
            // Lower than what runs now, not bad: once the device runs a lower version (a local rollback) it is an upgrade.
            or UpdateFailure.Downgrade);

    public FailedPackage? Find(string packageId)
    {
        lock (_gate)
        {
            return Entries().Find(e => e.PackageId == packageId);
        }
    }

    public void Remember(FailedPackage failed)
    {
        lock (_gate)
        {
            var entries = Entries();
            entries.RemoveAll(e => e.PackageId == failed.PackageId);
            entries.Add(failed);
            if (entries.Count > MaxEntries)
            {
                entries.RemoveAt(0);
            }

            try
            {
                AtomicFile.Write(paths.FailedFile, JsonSerializer.SerializeToUtf8Bytes(entries, UpdaterJsonContext.Default.ListFailedPackage));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still remembered until restart; after one the package is refused again by the same check.
                logger.FailedListNotSaved(e, paths.FailedFile);
            }
        }
    }

    private List<FailedPackage> Entries()
    {
        if (_entries is not null)
        {
            return _entries;
        }

        try
        {
            _entries = File.Exists(paths.FailedFile)
                ? JsonSerializer.Deserialize(File.ReadAllBytes(paths.FailedFile), UpdaterJsonContext.Default.ListFailedPackage) ?? []
                : [];
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            logger.FailedListUnreadable(e, paths.FailedFile);
            _entries = [];
        }

        return _entries;
    }
}
