namespace Edge.Cloud.Security;

using System.Security.Cryptography;
using System.Text;

/// <summary>
/// Credential secrets: 256 random bits, shown once, stored as their SHA-256. A salt or a slow hash buys nothing
/// against a value nobody chose, and a fast hash keeps the per-request check to one lookup.
/// </summary>
internal static class TokenSecret
{
    private const string Prefix = "edge_";

    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A short public id, used to list and revoke a token without its secret.</summary>
    public static string NewId() => Base64Url(RandomNumberGenerator.GetBytes(9));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
