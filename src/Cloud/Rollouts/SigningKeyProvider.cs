namespace Edge.Cloud.Rollouts;

using Edge.Cloud.Storage;
using Edge.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// The cloud's package signing key, loaded (or, on a fresh install, created) at start-up, so the public key is in the log
/// before any rollout. Fails closed: the cloud does not start when the key file is readable by group or others, cannot be
/// read, or is missing while packages were already signed (a new key would make every device refuse every package).
/// </summary>
internal sealed class SigningKeyProvider : IHostedService, IDisposable
{
    private const UnixFileMode OthersAndGroup =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Lazy<SigningKey> _key;
    private readonly RolloutOptions _options;
    private readonly SqliteDatabase _database;
    private readonly string _contentRoot;
    private readonly ILogger<SigningKeyProvider> _logger;

    public SigningKeyProvider(IOptions<RolloutOptions> options, IHostEnvironment environment, SqliteDatabase database, ILogger<SigningKeyProvider> logger)
    {
        _options = options.Value;
        _database = database;
        _contentRoot = environment.ContentRootPath;
        _logger = logger;
        Path = _options.ResolveSigningKeyPath(_contentRoot, database.IsFile ? database.DataSource : null);
        _key = new Lazy<SigningKey>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Path { get; }

    /// <exception cref="InvalidOperationException">The key file cannot be read or created.</exception>
    public SigningKey Key
    {
        get
        {
            try
            {
                return _key.Value;
            }
            catch (Exception ex) when (ex is not InvalidOperationException)
            {
                throw new InvalidOperationException($"the package signing key at {Path} cannot be loaded: {ex.Message}", ex);
            }
        }
    }

    /// <exception cref="InvalidOperationException">The cloud must not start: the message says why and what to do.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path))
        {
            RefuseLoosePermissions();
        }
        else if (await SignedBeforeAsync(cancellationToken) is { } evidence)
        {
            if (!_options.RotateSigningKey)
            {
                var legacy = RolloutOptions.LegacySigningKeyPath(_contentRoot);
                var hint = $" Restore the key file from a backup to {Path} (mode 0600), or point Rollouts:SigningKeyPath at it." +
                    (legacy != Path && File.Exists(legacy) ? $" Earlier versions kept it at {legacy}, where a key exists now." : string.Empty);
                throw new InvalidOperationException(
                    $"The package signing key {Path} is missing, but {evidence} signed with a key: a new key would make every device refuse every package." +
                    hint +
                    " To rotate on purpose, start once with Rollouts:RotateSigningKey=true and add the new public key to every device's Updates:TrustedKeys.");
            }

            RolloutsLog.KeyRotated(_logger, Path, evidence);
        }

        try
        {
            _ = Key;
        }
        catch (InvalidOperationException ex)
        {
            RolloutsLog.KeyFailed(_logger, ex.InnerException ?? ex, Path);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }

    private void RefuseLoosePermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(Path);
        if ((mode & OthersAndGroup) != 0)
        {
            throw new InvalidOperationException(
                $"The package signing key {Path} has mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}: group or others can read or change it, " +
                $"and anyone who reads it can sign models every device installs. Run 'chmod 600 {Path}' (owned by the cloud's user) and start again.");
        }
    }

    /// <summary>What shows that packages were signed before (stored packages, rollouts), or null on a fresh install.</summary>
    private async Task<string?> SignedBeforeAsync(CancellationToken cancellationToken)
    {
        var root = _options.ResolvePackagePath(_contentRoot);
        var packages = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, PackageStore.PackageFile, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 }).Count()
            : 0;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM rollouts;";
        var rollouts = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return (packages, rollouts) switch
        {
            (0, 0) => null,
            (_, 0) => $"{packages} stored package(s) under {root} were",
            (0, _) => $"{rollouts} rollout(s) in the database were",
            _ => $"{packages} stored package(s) under {root} and {rollouts} rollout(s) were",
        };
    }

    private SigningKey Load()
    {
        var existed = File.Exists(Path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder && !Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var key = SigningKey.LoadOrCreate(Path);
        if (existed)
        {
            RolloutsLog.KeyLoaded(_logger, key.KeyId, key.PublicKey, Path);
        }
        else
        {
            RolloutsLog.KeyCreated(_logger, key.KeyId, Path, key.PublicKey);
        }

        return key;
    }
}
