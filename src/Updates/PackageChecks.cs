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
    public static void Validate(PackageManifest manifest, string modelName, string deviceClass, long maxModelBytes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!string.Equals(manifest.Name, modelName, StringComparison.Ordinal))
        {
            throw Reject(UpdateFailure.WrongModel, $"The package is for model '{manifest.Name}', but this device serves '{modelName}'.");
        }

        if (!string.Equals(manifest.DeviceClass, DeviceClasses.Any, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(manifest.DeviceClass, deviceClass, StringComparison.OrdinalIgnoreCase))
        {
            throw Reject(
                UpdateFailure.WrongDeviceClass, $"The package is for device class '{manifest.DeviceClass}', but this device is '{deviceClass}'.");
        }

        if (manifest.Model is null)
        {
            throw Reject(UpdateFailure.MalformedPackage, "The package's manifest has no model description.");
        }

        if (manifest.ModelSize <= 0 || !IsSha256Hex(manifest.ModelSha256))
        {
            throw Reject(UpdateFailure.MalformedPackage, "The package's model size must be positive and its model hash 64 lowercase hex digits.");
        }

        if (manifest.ModelSize > maxModelBytes)
        {
            throw Reject(UpdateFailure.TooLarge, $"The package declares a {manifest.ModelSize}-byte model; this device accepts at most {maxModelBytes} bytes.");
        }

        if (manifest.Payloads is not { Length: > 0 } payloads || !payloads.Any(p => p?.Kind == PayloadKind.Full))
        {
            throw Reject(UpdateFailure.MalformedPackage, "The package lists no full payload.");
        }

        foreach (var payload in payloads)
        {
            ValidatePayload(payload, maxModelBytes);
        }
    }

    /// <summary>The smallest payload this device can use: a delta whose base hash it holds, else the full one.</summary>
    public static PackagePayload Choose(PackageManifest manifest, IReadOnlyCollection<string> installedSha256)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(installedSha256);
        var full = manifest.Payloads.FirstOrDefault(p => p.Kind == PayloadKind.Full)
            ?? throw Reject(UpdateFailure.MalformedPackage, "The package lists no full payload.");
        var delta = manifest.Payloads
            .Where(p => p.Kind == PayloadKind.Delta && p.BaseSha256 is not null
                && installedSha256.Contains(p.BaseSha256, StringComparer.OrdinalIgnoreCase))
            .MinBy(p => p.Size);
        return delta is not null && delta.Size < full.Size ? delta : full;
    }

    private static void ValidatePayload(PackagePayload? payload, long maxModelBytes)
    {
        if (payload is null || !IsSha256Hex(payload.Sha256) || payload.Size <= 0)
        {
            throw Reject(UpdateFailure.MalformedPackage, "Every payload needs a positive size and a 64-digit lowercase hex SHA-256.");
        }

        if (!string.Equals(payload.Compression, "zstd", StringComparison.Ordinal))
        {
            throw Reject(UpdateFailure.MalformedPackage, $"Payload {payload.Sha256} uses compression '{payload.Compression}'; only zstd is supported.");
        }

        if (payload.Size > maxModelBytes)
        {
            throw Reject(UpdateFailure.TooLarge, $"Payload {payload.Sha256} is {payload.Size} bytes; this device accepts at most {maxModelBytes} bytes.");
        }

        if (payload.Kind == PayloadKind.Delta && !IsSha256Hex(payload.BaseSha256))
        {
            throw Reject(UpdateFailure.MalformedPackage, $"Delta payload {payload.Sha256} does not name its base's SHA-256.");
        }

        if (payload.Kind is not (PayloadKind.Full or PayloadKind.Delta))
        {
            throw Reject(UpdateFailure.MalformedPackage, $"Payload {payload.Sha256} has unknown kind {payload.Kind}.");
        }

        if (payload.BlockSha256 is { } blocks)
        {
            if (payload.BlockSize is < BlockFrame.MinBlockSize or > BlockFrame.MaxBlockSize)
            {
                throw Reject(
                    UpdateFailure.MalformedPackage, $"Payload {payload.Sha256} has block hashes for blocks of {payload.BlockSize} bytes, outside {BlockFrame.MinBlockSize}..{BlockFrame.MaxBlockSize}.");
            }

            if (blocks.Length != BlockFrame.BlockCount(payload.Size, payload.BlockSize) || !blocks.All(IsSha256Hex))
            {
                throw Reject(
                    UpdateFailure.MalformedPackage, $"Payload {payload.Sha256} needs one 64-digit lowercase hex SHA-256 per block of {payload.BlockSize} bytes.");
            }
        }
    }

    internal static bool IsSha256Hex(string? text) =>
        text is { Length: 64 } && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static PackageRejectedException Reject(UpdateFailure failure, string message) => new(failure, message);
}
