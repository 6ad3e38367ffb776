namespace Edge.Agent.Tests.Outbox;

using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Xunit;

public sealed class OutboxStoreTests : IDisposable
{
    // Recent, not a fixed date: the drain expires entries older than its TTL by the agent's clock (TimeProvider.System
    // unless a test injects a fake one), so a literal date ages out. Whole seconds: the store keeps milliseconds.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-outbox-test-").FullName;

    private string DbPath => Path.Combine(_dir, "outbox.db");

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_outbox_file_and_its_wal_hold_camera_frames_and_are_created_0600()
    {
        // Before: created 0644, readable by every local user.
        using (var store = new OutboxStore(DbPath, 100, 1 << 20, new AgentMetrics()))
        {
            store.Add([Entry(OutboxKind.HardExample, 1)]);
            Assert.All([DbPath, DbPath + "-wal"], path => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path)));
        }
    }

    [Fact]
    public void Entries_survive_closing_and_reopening_the_file_in_enqueue_order()
    {
        var entries = Enumerable.Range(0, 3).Select(i => Entry(OutboxKind.HardExample, i, size: 10 + i)).ToArray();
        using (var first = new OutboxStore(DbPath, 100, 1 << 20, new AgentMetrics()))
        {
            Assert.Equal(3, first.Add(entries));
        }

        var metrics = new AgentMetrics();
        using var reopened = new OutboxStore(DbPath, 100, 1 << 20, metrics);

        Assert.Equal(3, reopened.Count);
        Assert.Equal(33, reopened.Bytes);
        Assert.Equal(3, metrics.OutboxEntries.Value);
        Assert.Equal(entries, reopened.ReadOldest(OutboxKind.HardExample, 10), EntryComparer.Instance);
    }

    [Fact]
    public void A_full_outbox_drops_the_oldest_audit_samples_first_then_telemetry_then_hard_examples()
    {
        var metrics = new AgentMetrics();
        using var store = new OutboxStore(DbPath, 4, 1 << 20, metrics);
        var h1 = Entry(OutboxKind.HardExample, 1);
        var a1 = Entry(OutboxKind.AuditSample, 2);
        var t1 = Entry(OutboxKind.Telemetry, 3);
        var h2 = Entry(OutboxKind.HardExample, 4);
        store.Add([h1, a1, t1, h2]);
        var a2 = Entry(OutboxKind.AuditSample, 5);
        store.Add([a2]);
        Assert.Equal([a2], store.ReadOldest(OutboxKind.AuditSample, 10), EntryComparer.Instance);

        var later = Enumerable.Range(6, 3).Select(i => Entry(OutboxKind.HardExample, i)).ToArray();
        foreach (var entry in later)
        {
            store.Add([entry]);
        }

        Assert.Equal(4, store.Count);
        Assert.Empty(store.ReadOldest(OutboxKind.AuditSample, 10));
        Assert.Empty(store.ReadOldest(OutboxKind.Telemetry, 10));
        Assert.Equal([h2, .. later], store.ReadOldest(OutboxKind.HardExample, 10), EntryComparer.Instance);
        var drops = metrics.OutboxDropped.ToDictionary(d => d.Key, d => d.Value.Value);
        Assert.Equal(2, drops[("full", "audit_sample")]);
        Assert.Equal(1, drops[("full", "telemetry")]);
        Assert.Equal(1, drops[("full", "hard_example")]);
        Assert.Equal(8, metrics.OutboxEnqueued.Value);
    }

    [Fact]
    public void The_byte_bound_evicts_the_oldest_and_an_entry_larger_than_the_bound_is_refused()
    {
        var metrics = new AgentMetrics();
        using var store = new OutboxStore(DbPath, 100, 1000, metrics);
        var entries = Enumerable.Range(0, 3).Select(i => Entry(OutboxKind.HardExample, i, size: 400)).ToArray();

        store.Add(entries);
        var stored = store.Add([Entry(OutboxKind.HardExample, 9, size: 1001)]);

        Assert.Equal(0, stored);
        Assert.Equal(800, store.Bytes);
        Assert.Equal(800, metrics.OutboxBytes.Value);
        Assert.Equal(entries[1..], store.ReadOldest(OutboxKind.HardExample, 10), EntryComparer.Instance);
        var drops = metrics.OutboxDropped.ToDictionary(d => d.Key, d => d.Value.Value);
        Assert.Equal(1, drops[("full", "hard_example")]);
        Assert.Equal(1, drops[("too-large", "hard_example")]);
    }

    [Fact]
    public void Deleting_acknowledged_ids_removes_only_those()
    {
        using var store = new OutboxStore(DbPath, 100, 1 << 20, new AgentMetrics());
        var entries = Enumerable.Range(0, 4).Select(i => Entry(OutboxKind.HardExample, i)).ToArray();
        store.Add(entries);

        var deleted = store.Delete([entries[0].Id, entries[2].Id, Guid.NewGuid()]);

        Assert.Equal(2, deleted);
        Assert.Equal([entries[1], entries[3]], store.ReadOldest(OutboxKind.HardExample, 10), EntryComparer.Instance);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static OutboxEntry Entry(OutboxKind kind, int n, int size = 8, DateTimeOffset? at = null) => new(
        Guid.NewGuid(), (at ?? Start).AddSeconds(n), kind, "application/json", Enumerable.Repeat((byte)n, size).ToArray(), n.ToString(System.Globalization.CultureInfo.InvariantCulture), 0.25, "cloud-unreachable");

    private sealed class EntryComparer : IEqualityComparer<OutboxEntry>
    {
        public static readonly EntryComparer Instance = new();

        public bool Equals(OutboxEntry? x, OutboxEntry? y) =>
            x is not null && y is not null && x.Id == y.Id && x.CreatedAt == y.CreatedAt && x.Kind == y.Kind && x.ContentType == y.ContentType
            && x.Payload.AsSpan().SequenceEqual(y.Payload) && x.LocalLabel == y.LocalLabel && x.Score == y.Score && x.Reason == y.Reason;

        public int GetHashCode(OutboxEntry obj) => obj.Id.GetHashCode();
    }
}
