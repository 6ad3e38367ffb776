namespace Edge.Cloud.Rollouts;

using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Cloud.Models;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.Updates;
using Microsoft.Extensions.Options;

/// <summary>A payload file on disk, found by its SHA-256 when a device asks for its blocks.</summary>
internal sealed record StoredPayload(PackagePayload Payload, string Path);

/// <summary>A built, signed package for one registry version.</summary>
internal sealed record StoredPackage(string Name, string Version, SignedPackage Package, IReadOnlyList<StoredPayload> Payloads);

/// <summary>
/// Builds each (model, version) package once — a full payload plus deltas from every other stored version of the
/// model, signed — and keeps it under <c>{PackagePath}/{name}/{version}/</c> (<c>{payloadSha}.zst</c> and
/// <c>package.json</c>), written to a staging folder and renamed. A stored package signed by another key (the key was
/// rotated), or without per-block hashes for the configured <c>BlockSizeBytes</c>, is rebuilt. Builds are CPU-bound: off
/// the request thread, one at a time. A rollback rollout gets the same payloads under a second signature whose manifest
/// says <see cref="PackageManifest.AllowDowngrade"/> (Ed25519 signatures are deterministic, so it is the same every time).
/// </summary>
internal sealed class PackageStore : IDisposable
{
    public const string PackageFile = "package.json";

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ConcurrentDictionary<(string Name, string Version), StoredPackage> _packages = new();
    private readonly ConcurrentDictionary<(string Name, string Version), StoredPackage> _rollbacks = new();
    private readonly ConcurrentDictionary<string, StoredPayload> _payloads = new(StringComparer.Ordinal);
    private readonly ModelStore _models;
    private readonly SigningKeyProvider _signer;
    private readonly RolloutOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PackageStore> _logger;

    public PackageStore(ModelStore models, SigningKeyProvider signer, IOptions<RolloutOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<PackageStore> logger)
    {
        _models = models;
        _signer = signer;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Root = _options.ResolvePackagePath(environment.ContentRootPath);
    }

    public string Root { get; }

    /// <summary>A payload of a package loaded or built since start-up.</summary>
    public StoredPayload? FindPayload(string sha256) => _payloads.GetValueOrDefault(sha256);

    /// <summary>The package, signed as a rollback (<see cref="PackageManifest.AllowDowngrade"/>) when <paramref name="allowDowngrade"/>.</summary>
    /// <exception cref="InvalidOperationException">The version is not in the registry, or the signing key is unavailable.</exception>
    public async Task<StoredPackage> GetOrBuildAsync(string name, string version, bool allowDowngrade, CancellationToken cancellationToken)
    {
        var package = await GetOrBuildAsync(name, version, cancellationToken);
        if (!allowDowngrade)
        {
            return package;
        }

        return _rollbacks.GetOrAdd((name, version), _ =>
        {
            var manifest = ManifestOf(package.Package);
            manifest.AllowDowngrade = true;
            return package with { Package = _signer.Key.Sign(manifest) };
        });
    }

    /// <exception cref="InvalidOperationException">The version is not in the registry, or the signing key is unavailable.</exception>
    public async Task<StoredPackage> GetOrBuildAsync(string name, string version, CancellationToken cancellationToken)
    {
        if (_packages.TryGetValue((name, version), out var cached))
        {
            return cached;
        }

        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (_packages.TryGetValue((name, version), out cached))
            {
                return cached;
            }

            var key = _signer.Key;
            var package = Load(name, version, key.KeyId) ?? await BuildAsync(name, version, key, cancellationToken);
            foreach (var payload in package.Payloads)
            {
                _payloads[payload.Payload.Sha256] = payload;
            }

            _packages[(name, version)] = package;
            return package;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>The manifest inside a package this cloud signed itself (no signature check needed).</summary>
    public static PackageManifest ManifestOf(SignedPackage package) =>
        JsonSerializer.Deserialize(Convert.FromBase64String(package.Manifest), EdgeJsonContext.Default.PackageManifest)
        ?? throw new InvalidDataException("the package manifest is null");

    private StoredPackage? Load(string name, string version, string keyId)
    {
        var folder = Path.Combine(Root, name, version);
        var file = Path.Combine(folder, PackageFile);
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            var package = JsonSerializer.Deserialize(File.ReadAllBytes(file), EdgeJsonContext.Default.SignedPackage);
            if (package is null || package.KeyId != keyId)
            {
                return null;
            }

            var payloads = ManifestOf(package).Payloads.Select(p => new StoredPayload(p, Path.Combine(folder, p.Sha256 + ".zst"))).ToList();

            // Built before block hashes, or for another block size: devices could not check its frames, so it is rebuilt.
            return payloads.All(p => p.Payload.BlockSha256 is not null && p.Payload.BlockSize == _options.BlockSizeBytes)
                && payloads.All(p => new FileInfo(p.Path) is { Exists: true } f && f.Length == p.Payload.Size)
                ? new StoredPackage(name, version, package, payloads)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidDataException or IOException)
        {
            // Unreadable: rebuilt below, replacing the folder.
            return null;
        }
    }

    private async Task<StoredPackage> BuildAsync(string name, string version, SigningKey key, CancellationToken cancellationToken)
    {
        var manifestJson = await _models.ManifestJsonAsync(name, version, cancellationToken)
            ?? throw new InvalidOperationException($"model {name} version {version} is not published");
        var manifest = JsonSerializer.Deserialize(manifestJson, EdgeJsonContext.Default.ModelManifest)
            ?? throw new InvalidDataException($"the stored manifest of {name} {version} is null");
        var model = await File.ReadAllBytesAsync(_models.ModelPath(name, version), cancellationToken);
        var bases = new List<BaseModel>();
        foreach (var other in await _models.ListAsync(name, cancellationToken))
        {
            if (other.Version != version && File.Exists(_models.ModelPath(name, other.Version)))
            {
                bases.Add(new BaseModel(other.Version, await File.ReadAllBytesAsync(_models.ModelPath(name, other.Version), cancellationToken)));
            }
        }

        var started = _time.GetTimestamp();
        var built = await Task.Run(() => PackageBuilder.Build(manifest, model, bases, _options.DeviceClass, key, _time.GetUtcNow(), _options.CompressionLevel, _options.BlockSizeBytes), cancellationToken);
        var stored = await WriteAsync(name, version, built, cancellationToken);
        var delta = built.Payloads.Where(p => p.Payload.Kind == PayloadKind.Delta).Select(p => (long?)p.Payload.Size).Min();
        var elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
        RolloutsLog.PackageBuilt(_logger, name, version, built.Payloads.Count, built.Payloads[0].Payload.Size, delta, elapsedMs);
        return stored;
    }

    private async Task<StoredPackage> WriteAsync(string name, string version, BuiltPackage built, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, name, version);
        var staging = Path.Combine(Root, name, $".{version}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var payload in built.Payloads)
            {
                await WriteDurablyAsync(Path.Combine(staging, payload.Payload.Sha256 + ".zst"), payload.Bytes, cancellationToken);
            }

            await WriteDurablyAsync(Path.Combine(staging, PackageFile), JsonSerializer.SerializeToUtf8Bytes(built.Package, EdgeJsonContext.Default.SignedPackage), cancellationToken);
            if (Directory.Exists(folder))
            {
                // Signed by a rotated key, or left half-checked by a crash: replaced whole.
                Directory.Delete(folder, recursive: true);
            }

            Directory.Move(staging, folder);
        }
        catch
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
                // A leftover staging folder starts with '.' and is never read.
            }

            throw;
        }

        return new StoredPackage(name, version, built.Package, [.. built.Payloads.Select(p => new StoredPayload(p.Payload, Path.Combine(folder, p.Payload.Sha256 + ".zst")))]);
    }

    private static async Task WriteDurablyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await stream.WriteAsync(bytes, cancellationToken);
        stream.Flush(flushToDisk: true);
    }
}
