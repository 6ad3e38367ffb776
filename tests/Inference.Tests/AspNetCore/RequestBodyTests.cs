namespace Edge.Inference.Tests.AspNetCore;

using Edge.Inference.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Xunit;

/// <summary>The one request-body reader both <c>/v1/infer</c> endpoints use.</summary>
public sealed class RequestBodyTests
{
    private const int Limit = 5000;

    [Theory]
    [InlineData(0, true, Limit)]
    [InlineData(1, true, Limit)]
    [InlineData(Limit, true, Limit)]
    [InlineData(Limit, false, Limit)]
    [InlineData(100_000, false, 1_000_000)] // grows past the first buffer
    public async Task A_body_within_the_limit_is_read_whole_with_or_without_a_declared_length(int size, bool declared, int limit)
    {
        var bytes = Bytes(size);
        var request = Request(new MemoryStream(bytes), declared ? size : null);

        using var body = await RequestBody.ReadAsync(request, limit, Ct);

        Assert.False(body.TooLarge);
        Assert.Equal(bytes, body.Span.ToArray());
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_without_reading_anything()
    {
        var stream = new EndlessStream();

        using var body = await RequestBody.ReadAsync(Request(stream, Limit + 1), Limit, Ct);

        Assert.True(body.TooLarge);
        Assert.Equal(0, stream.BytesRead);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(100L)]
    public async Task A_body_longer_than_the_limit_is_refused_after_at_most_one_byte_past_it(long? declared)
    {
        // Chunked (no length), or a Content-Length that lies: only reading can find out.
        var stream = new EndlessStream();

        using var body = await RequestBody.ReadAsync(Request(stream, declared), Limit, Ct);

        Assert.True(body.TooLarge);
        Assert.Equal(Limit + 1, stream.BytesRead);
    }

    [Fact]
    public async Task The_server_limit_is_raised_to_one_byte_above_ours_so_our_413_message_is_the_one_sent()
    {
        var request = Request(new MemoryStream(Bytes(10)), 10);
        var feature = new MaxBodySize { MaxRequestBodySize = 30_000_000 };
        request.HttpContext.Features.Set<IHttpMaxRequestBodySizeFeature>(feature);

        using var body = await RequestBody.ReadAsync(request, Limit, Ct);

        Assert.Equal(Limit + 1, feature.MaxRequestBodySize);
    }

    [Fact]
    public async Task The_servers_own_413_while_reading_is_reported_as_too_large()
    {
        var request = Request(new ThrowingStream(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge)), null);

        using var body = await RequestBody.ReadAsync(request, Limit, Ct);

        Assert.True(body.TooLarge);
    }

    [Fact]
    public async Task Any_other_read_failure_propagates()
    {
        var request = Request(new ThrowingStream(new IOException("connection reset")), null);

        await Assert.ThrowsAsync<IOException>(async () => await RequestBody.ReadAsync(request, Limit, Ct));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Bytes(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 31)).ToArray();

    private static HttpRequest Request(Stream body, long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = contentLength;
        return context.Request;
    }

    private sealed class MaxBodySize : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; }
    }

    /// <summary>An endless body that counts what was read from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, 1000);
            buffer[..n].Fill((byte)'x');
            BytesRead += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ThrowingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(failure);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
