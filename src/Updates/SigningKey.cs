namespace Edge.Updates;

using Edge.Shared.Updates;

/// <summary>The cloud's Ed25519 signing key. Stored as the base64 32-byte seed.</summary>
public sealed class SigningKey : IDisposable
{
    private SigningKey()
    {
    }

    /// <summary>Base64 of the raw 32-byte public key: what devices list in <c>Updates:TrustedKeys</c>.</summary>
    public string PublicKey => throw new NotImplementedException();

    public string KeyId => throw new NotImplementedException();

    public static SigningKey Generate() => throw new NotImplementedException();

    /// <summary>From the base64 32-byte seed; <see cref="ArgumentException"/> with a clear message when it is not one.</summary>
    public static SigningKey FromPrivateKey(string base64Seed) => throw new NotImplementedException();

    /// <summary>Reads the seed file, or creates it (mode 0600, written to a temp name and renamed) when missing.</summary>
    public static SigningKey LoadOrCreate(string path) => throw new NotImplementedException();

    public string ExportPrivateKey() => throw new NotImplementedException();

    /// <summary>Serializes the manifest once and signs exactly those bytes.</summary>
    public SignedPackage Sign(PackageManifest manifest) => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
