namespace Edge.Updates;

using Edge.Shared.Updates;

/// <summary>The public keys a device accepts packages from; several at once so keys can be rotated.</summary>
public sealed class TrustedKeys
{
    /// <summary>Base64 raw 32-byte Ed25519 public keys; <see cref="ArgumentException"/> names a bad one.</summary>
    public TrustedKeys(IEnumerable<string> publicKeys) => throw new NotImplementedException();

    public IReadOnlyCollection<string> KeyIds => throw new NotImplementedException();

    /// <summary>
    /// Checks the signature over the manifest bytes and parses them. Throws <see cref="PackageRejectedException"/> with
    /// <see cref="UpdateFailure.UnknownSigningKey"/>, <see cref="UpdateFailure.BadSignature"/> or <see cref="UpdateFailure.MalformedPackage"/>.
    /// </summary>
    public PackageManifest Verify(SignedPackage package) => throw new NotImplementedException();
}
