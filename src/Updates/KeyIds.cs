namespace Edge.Updates;

using System.Security.Cryptography;

/// <summary>A short, stable name for a public key: lowercase hex of the first 8 bytes of its SHA-256.</summary>
public static class KeyIds
{
    public static string Of(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(publicKey, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
