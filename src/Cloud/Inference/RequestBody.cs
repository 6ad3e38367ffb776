namespace Edge.Cloud.Inference;

using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

/// <summary>
/// Reads a request body into a pooled buffer, stopping as soon as it passes the limit: an oversized body is
/// refused after at most limit + 1 bytes, whatever its Content-Length claims (or lacks, when chunked).
/// </summary>
internal static class RequestBody
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>Returns the body, or <see cref="PooledBytes.TooLarge"/> when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async ValueTask<PooledBytes> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return PooledBytes.Refused;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Kestrel's own cap, one byte above ours so our check (and message) is the one that fires.
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        var size = (int)Math.Min(maxBytes + 1L, request.ContentLength is { } declared ? declared + 1 : InitialBufferBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return PooledBytes.Refused;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1L, buffer.Length * 2L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return new PooledBytes(buffer, length);
                }

                length += read;
                if (length > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return PooledBytes.Refused;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return PooledBytes.Refused;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

/// <summary>A body in a rented array; dispose once to return it to the pool.</summary>
internal readonly struct PooledBytes : IDisposable
{
    private readonly byte[]? _array;

    public PooledBytes(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

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
