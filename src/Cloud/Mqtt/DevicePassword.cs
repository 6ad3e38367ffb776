namespace Edge.Cloud.Mqtt;

using System.Buffers;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// Checks a presented password against a configured one, either plain or as <c>sha256:&lt;hex&gt;</c> (so
/// configuration need not hold the password itself; device passwords are long random tokens, which is what
/// makes an unsalted hash adequate). Comparisons take the same time whatever matches.
/// </summary>
internal static class DevicePassword
{
    private const string HashPrefix = "sha256:";

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    public static bool IsWellFormed(string? configured) => configured switch
    {
        null or "" => false,
        _ when configured.StartsWith(HashPrefix, StringComparison.Ordinal) =>
            configured.Length == HashPrefix.Length + 64 && !configured.AsSpan(HashPrefix.Length).ContainsAnyExcept(HexDigits),
        _ => true,
    };

    public static bool Matches(string configured, string? presented) =>
        presented is not null && MatchesHash(configured, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    /// <summary>As <see cref="Matches"/>, for a caller that already hashed the presented password (SHA-256 of its UTF-8).</summary>
    public static bool MatchesHash(string configured, ReadOnlySpan<byte> presentedHash)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var expectedHash = configured.StartsWith(HashPrefix, StringComparison.Ordinal)
            ? Convert.FromHexString(configured.AsSpan(HashPrefix.Length))

            // Hashing the plain one too gives both sides the same length, so the comparison time says nothing.
            : SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash);
    }

    /// <summary>The <c>sha256:</c> form of <paramref name="password"/>, for configuration files.</summary>
    public static string Hash(string password) =>
        HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
