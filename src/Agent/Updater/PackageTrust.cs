namespace Edge.Agent.Updater;

using Edge.Shared.Updates;
using Edge.Updates;
using Microsoft.Extensions.Options;

/// <summary>The configured <see cref="TrustedKeys"/>; with none configured every package is refused as UnknownSigningKey.</summary>
internal sealed class PackageTrust(IOptions<UpdaterOptions> options)
{
    private readonly Lazy<TrustedKeys?> _keys = new(() =>
        options.Value.TrustedKeys.Count == 0 ? null : new TrustedKeys(options.Value.TrustedKeys.Select(k => k.Trim())));

    public bool HasKeys => options.Value.TrustedKeys.Count > 0;

    /// <summary>Checks the signature and parses the manifest; <see cref="PackageRejectedException"/> says why not.</summary>
    public PackageManifest Verify(SignedPackage package)
    {
        var keys = _keys.Value ?? throw new PackageRejectedException(
            UpdateFailure.UnknownSigningKey, $"package signed by key {package.KeyId}, but no keys are trusted (configure Updates:TrustedKeys)");
        return keys.Verify(package);
    }
}
