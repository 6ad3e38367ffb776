namespace Edge.Agent.Tests.Outbox;

using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

public sealed class OutboxWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-outbox-writer-").FullName;
    private readonly AgentMetrics _metrics = new();

    [Fact]
    public async Task An_enqueue_completes_only_once_its_entry_is_committed_and_concurrent_ones_share_a_commit()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = NewStore();
        using var writer = NewWriter(store, new OutboxOptions());

        // The writer is not running yet: nothing can be committed, so no enqueue may complete.
        var pending = Enumerable.Range(0, 5).Select(i => writer.EnqueueAsync(Entry(i), ct).AsTask()).ToArray();
        Assert.All(pending, p => Assert.False(p.IsCompleted));
        Assert.Equal(0, store.Count);

        await writer.StartAsync(ct);
        await Task.WhenAll(pending);

        Assert.Equal(5, store.Count);
        await writer.StopAsync(ct);
    }

    [Fact]
    public async Task Without_CommitBeforeAnswer_an_enqueue_completes_at_once_and_is_committed_later()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = NewStore();
        using var writer = NewWriter(store, new OutboxOptions { CommitBeforeAnswer = false });

        await writer.EnqueueAsync(Entry(0), ct);
        Assert.Equal(0, store.Count);

        await writer.StartAsync(ct);
        await writer.StopAsync(ct);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task An_entry_beyond_the_writer_capacity_is_dropped_and_counted_without_waiting()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = NewStore();
        using var writer = NewWriter(store, new OutboxOptions { WriterCapacity = 2 });
        var first = writer.EnqueueAsync(Entry(0), ct).AsTask();
        var second = writer.EnqueueAsync(Entry(1), ct).AsTask();

        await writer.EnqueueAsync(Entry(2), ct);

        Assert.Equal(1, _metrics.OutboxDropped.Single(d => d.Key == (DropReasons.WriterFull, "hard_example")).Value.Value);
        await writer.StartAsync(ct);
        await Task.WhenAll(first, second);
        Assert.Equal(2, store.Count);
        await writer.StopAsync(ct);
    }

    [Fact]
    public async Task After_the_writer_stopped_an_enqueue_commits_its_own_entry()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = NewStore();
        using var writer = NewWriter(store, new OutboxOptions());
        await writer.StartAsync(ct);
        await writer.StopAsync(ct);

        await writer.EnqueueAsync(Entry(0), ct);

        Assert.Equal(1, store.Count);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static OutboxEntry Entry(int i) =>
        new(Guid.CreateVersion7(), DateTimeOffset.UtcNow, OutboxKind.HardExample, "application/json", [(byte)i], "3", 0.4, "cloud-unreachable");

    private OutboxStore NewStore() => new(Path.Combine(_dir, "outbox.db"), 1000, 1 << 20, _metrics);

    private OutboxWriter NewWriter(OutboxStore store, OutboxOptions options) =>
        new(store, new OutboxSignal(), _metrics, TimeProvider.System, Options.Create(options), NullLogger<OutboxWriter>.Instance);
}
