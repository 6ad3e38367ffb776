namespace Edge.Updates;

using Edge.Shared.Updates;

/// <summary>The checks a device runs on a verified manifest before it downloads anything.</summary>
public static class PackageChecks
{
    /// <summary>
    /// Throws <see cref="PackageRejectedException"/>: <see cref="UpdateFailure.WrongModel"/> (name differs),
    /// <see cref="UpdateFailure.WrongDeviceClass"/> (neither <c>any</c> nor equal, case-insensitive),
    /// <see cref="UpdateFailure.TooLarge"/> (model or any payload over <paramref name="maxModelBytes"/>),
    /// <see cref="UpdateFailure.MalformedPackage"/> (no full payload, bad hex hashes, non-positive sizes, a delta without base).
    /// </summary>
    public static void Validate(PackageManifest manifest, string modelName, string deviceClass, long maxModelBytes) =>
        throw new NotImplementedException();

    /// <summary>The smallest payload this device can use: a delta whose base hash it holds, else the full one.</summary>
    public static PackagePayload Choose(PackageManifest manifest, IReadOnlyCollection<string> installedSha256) =>
        throw new NotImplementedException();
}
