namespace Edge.Agent.Updater;

using Edge.Shared.Updates;
using Edge.Updates;

/// <summary>What a desired package must pass before a byte of it is downloaded; <see cref="PackageRejectedException"/> says why not.</summary>
internal static class PackageAcceptance
{
    /// <summary>Signature, then everything the signed manifest must satisfy on this device, before a byte is downloaded.</summary>
    public static PackageManifest Accept(ModelDesired desired, PackageTrust trust, string servedModel, UpdaterOptions o)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(o);
        var manifest = trust.Verify(desired.Package);
        PackageChecks.Validate(manifest, servedModel, o.ResolveDeviceClass(), o.MaxModelBytes);
        if (!UpdatePaths.IsSafeSegment(manifest.Name) || !UpdatePaths.IsSafeSegment(manifest.Version))
        {
            throw new PackageRejectedException(UpdateFailure.MalformedPackage, $"version '{manifest.Version}' is not a usable name (letters, digits, '.', '_', '-', '+')");
        }

        if (manifest.Model.Name != manifest.Name || manifest.Model.Version != manifest.Version)
        {
            throw new PackageRejectedException(
                UpdateFailure.MalformedPackage, $"the embedded model manifest is {manifest.Model.Name}@{manifest.Model.Version}, the package {manifest.Name}@{manifest.Version}");
        }

        if (desired.BlockSize is < BlockFrame.MinBlockSize or > BlockFrame.MaxBlockSize)
        {
            throw new PackageRejectedException(
                UpdateFailure.MalformedPackage, $"block size {desired.BlockSize} is outside {BlockFrame.MinBlockSize}..{BlockFrame.MaxBlockSize} bytes");
        }

        return manifest;
    }
}
