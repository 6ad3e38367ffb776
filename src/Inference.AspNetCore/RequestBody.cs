namespace Edge.Inference.AspNetCore;

using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

/// <summary>
/// Reads a request body into a pooled buffer, stopping as soon as it passes the limit: an oversized body is
/// refused after at most limit + 1 bytes, whatever its Content-Length claims (or lacks, when chunked).
/// </summary>
public static class RequestBody
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>Returns the body, or <see cref="PooledBytes.TooLarge"/> when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async ValueTask<PooledBytes> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxBytes, Array.MaxLength);
        if (request.ContentLength > maxBytes)
        {
            return PooledBytes.Refused;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Kestrel's own cap (30 MB by default) goes one byte above ours, so our check and message are the ones that fire.
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        // One byte more than the declared length, so the read that finds the end needs no larger buffer.
        byte[]? buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1L, (request.ContentLength ?? InitialBufferBytes) + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1L, buffer.Length * 2L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // Never more than one byte past the limit, however large the pool's array.
                var room = (int)Math.Min(buffer.Length - length, maxBytes + 1L - length);
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, room), cancellationToken);
                if (read == 0)
                {
                    var body = new PooledBytes(buffer, length);
                    buffer = null;
                    return body;
                }

                length += read;
                if (length > maxBytes)
                {
                    return PooledBytes.Refused;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return PooledBytes.Refused;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
