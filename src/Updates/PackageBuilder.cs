namespace Edge.Updates;

using Edge.Shared.Models;
using Edge.Shared.Updates;

/// <summary>A version a device may already hold, to build a delta from.</summary>
public sealed record BaseModel(string Version, byte[] Bytes);

public sealed record BuiltPayload(PackagePayload Payload, byte[] Bytes);

public sealed record BuiltPackage(PackageManifest Manifest, SignedPackage Package, IReadOnlyList<BuiltPayload> Payloads);

/// <summary>The cloud's packager: one full payload, a delta from each base when it is smaller, signed manifest.</summary>
public static class PackageBuilder
{
    public static BuiltPackage Build(
        ModelManifest model, byte[] modelBytes, IEnumerable<BaseModel> bases, string deviceClass, SigningKey key, DateTimeOffset createdAt, int level = 19) =>
        throw new NotImplementedException();
}
