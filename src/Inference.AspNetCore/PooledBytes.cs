namespace Edge.Inference.AspNetCore;

using System.Buffers;

/// <summary>
/// A request body in a rented array, or the mark of one refused as too large. Dispose exactly once (a
/// <c>using</c> declaration): a disposed copy would hand the same array back to the pool twice.
/// </summary>
public readonly struct PooledBytes : IDisposable
{
    private readonly byte[]? _array;

    public PooledBytes(byte[] array, int length)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)array.Length, nameof(length));
        _array = array;
        Length = length;
    }

    /// <summary>The body passed the limit; nothing was kept.</summary>
    public static PooledBytes Refused => default;

    public bool TooLarge => _array is null;

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
