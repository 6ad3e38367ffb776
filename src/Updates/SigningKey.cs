namespace Edge.Updates;

using System.Text.Json;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using NSec.Cryptography;

/// <summary>The cloud's Ed25519 signing key. Stored as the base64 32-byte seed.</summary>
public sealed class SigningKey : IDisposable
{
    private const int SeedSize = 32;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key key;

    private SigningKey(Key key)
    {
        this.key = key;
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        PublicKey = Convert.ToBase64String(publicKey);
        KeyId = KeyIds.Of(publicKey);
    }

    /// <summary>Base64 of the raw 32-byte public key: what devices list in <c>Updates:TrustedKeys</c>.</summary>
    public string PublicKey { get; }

    public string KeyId { get; }

    public static SigningKey Generate() => new(Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>From the base64 32-byte seed; <see cref="ArgumentException"/> with a clear message when it is not one.</summary>
    public static SigningKey FromPrivateKey(string base64Seed)
    {
        ArgumentNullException.ThrowIfNull(base64Seed);
        var seed = new byte[SeedSize];
        if (!Convert.TryFromBase64String(base64Seed.Trim(), seed, out var written) || written != SeedSize)
        {
            throw new ArgumentException($"The signing key must be the base64 of a {SeedSize}-byte Ed25519 seed.", nameof(base64Seed));
        }

        try
        {
            return new SigningKey(Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
        }
        finally
        {
            Array.Clear(seed);
        }
    }

    /// <summary>Reads the seed file, or creates it (mode 0600, written to a temp name and renamed) when missing.</summary>
    public static SigningKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            try
            {
                return FromPrivateKey(File.ReadAllText(path));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The signing key file {path} does not hold a base64 {SeedSize}-byte Ed25519 seed.", nameof(path), e);
            }
        }

        var created = Generate();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(created.ExportPrivateKey()));
                stream.Flush(flushToDisk: true);
            }

            // Another process may have created it meanwhile; keep theirs so every signer agrees on one key.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            created.Dispose();
            return FromPrivateKey(File.ReadAllText(path));
        }
        catch
        {
            created.Dispose();
            throw;
        }
        finally
        {
            File.Delete(temp);
        }

        return created;
    }

    public string ExportPrivateKey() => Convert.ToBase64String(key.Export(KeyBlobFormat.RawPrivateKey));

    /// <summary>Serializes the manifest once and signs exactly those bytes.</summary>
    public SignedPackage Sign(PackageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, EdgeJsonContext.Default.PackageManifest);
        var signature = Algorithm.Sign(key, bytes);
        return new SignedPackage { Manifest = Convert.ToBase64String(bytes), KeyId = KeyId, Signature = Convert.ToBase64String(signature) };
    }

    public void Dispose() => key.Dispose();
}
