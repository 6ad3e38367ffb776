namespace Edge.Updates;

/// <summary>A short, stable name for a public key: lowercase hex of the first 8 bytes of its SHA-256.</summary>
public static class KeyIds
{
    public static string Of(ReadOnlySpan<byte> publicKey) => throw new NotImplementedException();
}
