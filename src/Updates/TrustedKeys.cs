namespace Edge.Updates;

using System.Text.Json;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using NSec.Cryptography;

/// <summary>The public keys a device accepts packages from; several at once so keys can be rotated.</summary>
public sealed class TrustedKeys
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Dictionary<string, PublicKey> keys = new(StringComparer.Ordinal);

    /// <summary>Base64 raw 32-byte Ed25519 public keys; <see cref="ArgumentException"/> names a bad one.</summary>
    public TrustedKeys(IEnumerable<string> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        foreach (var text in publicKeys)
        {
            var raw = new byte[Algorithm.PublicKeySize];
            if (text is null
                || !Convert.TryFromBase64String(text.Trim(), raw, out var written)
                || written != raw.Length
                || !PublicKey.TryImport(Algorithm, raw, KeyBlobFormat.RawPublicKey, out var key))
            {
                throw new ArgumentException(
                    $"Trusted key '{text}' is not the base64 of a {Algorithm.PublicKeySize}-byte Ed25519 public key.", nameof(publicKeys));
            }

            keys.TryAdd(Edge.Updates.KeyIds.Of(raw), key!);
        }

        KeyIds = [.. keys.Keys];
    }

    public IReadOnlyCollection<string> KeyIds { get; }

    /// <summary>
    /// Checks the signature over the manifest bytes and parses them. Throws <see cref="PackageRejectedException"/> with
    /// <see cref="UpdateFailure.UnknownSigningKey"/>, <see cref="UpdateFailure.BadSignature"/> or <see cref="UpdateFailure.MalformedPackage"/>.
    /// </summary>
    public PackageManifest Verify(SignedPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.KeyId is null || !keys.TryGetValue(package.KeyId, out var key))
        {
            throw new PackageRejectedException(
                UpdateFailure.UnknownSigningKey,
                $"The package is signed by key '{package.KeyId}', which is not trusted (trusted: {string.Join(", ", KeyIds)}).");
        }

        var manifestBytes = Decode(package.Manifest, "manifest");
        var signature = Decode(package.Signature, "signature");
        if (signature.Length != Algorithm.SignatureSize || !Algorithm.Verify(key, manifestBytes, signature))
        {
            throw new PackageRejectedException(
                UpdateFailure.BadSignature, $"The package's signature does not verify against trusted key '{package.KeyId}'.");
        }

        // Parsed only after the signature holds, so an attacker's bytes never reach the JSON reader.
        return Parse(manifestBytes);
    }

    private static byte[] Decode(string? base64, string what)
    {
        try
        {
            return Convert.FromBase64String(base64 ?? throw new FormatException("missing"));
        }
        catch (FormatException e)
        {
            throw new PackageRejectedException(UpdateFailure.MalformedPackage, $"The package's {what} is not valid base64.", e);
        }
    }

    private static PackageManifest Parse(byte[] manifestBytes)
    {
        try
        {
            return JsonSerializer.Deserialize(manifestBytes, EdgeJsonContext.Default.PackageManifest)
                ?? throw new PackageRejectedException(UpdateFailure.MalformedPackage, "The package's manifest is JSON null.");
        }
        catch (JsonException e)
        {
            throw new PackageRejectedException(UpdateFailure.MalformedPackage, $"The package's manifest is not a valid manifest: {e.Message}", e);
        }
    }
}
