namespace Edge.Cloud.Rollouts;

using Edge.Updates;
using Microsoft.Extensions.Options;

/// <summary>
/// The cloud's package signing key, loaded (or created) once. Loaded at start-up so the public key is in the log
/// before any rollout; a key that cannot be loaded is logged and leaves the rest of the cloud running.
/// </summary>
internal sealed class SigningKeyProvider : IHostedService, IDisposable
{
    private readonly Lazy<SigningKey> _key;
    private readonly ILogger<SigningKeyProvider> _logger;

    public SigningKeyProvider(IOptions<RolloutOptions> options, IHostEnvironment environment, ILogger<SigningKeyProvider> logger)
    {
        _logger = logger;
        Path = options.Value.ResolveSigningKeyPath(environment.ContentRootPath);
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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = Key;
        }
        catch (InvalidOperationException ex)
        {
            RolloutsLog.KeyFailed(_logger, ex.InnerException ?? ex, Path);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }

    private SigningKey Load()
    {
        var existed = File.Exists(Path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
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
