namespace Edge.Agent.Tests.Outbox;

using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Microsoft.Data.Sqlite;
using Xunit;
using static Edge.Agent.Tests.Outbox.OutboxStoreTests;

/// <summary>
/// A statement that fails inside the store's transaction (here a trigger on the real file aborts it, as a full disk or a
/// constraint would) rolls the whole transaction back; the store's depth and its gauges must still match the rows stored.
/// </summary>
public sealed class OutboxStoreFailureTests : IDisposable
{
    private const string Refused = "refused-by-trigger";
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-outbox-fail-").FullName;

    private string DbPath => Path.Combine(_dir, "outbox.db");

    [Fact]
    public void An_add_whose_second_insert_fails_counts_none_of_the_batch_and_evicts_nothing_later()
    {
        var metrics = new AgentMetrics();
        using var store = new OutboxStore(DbPath, 3, 1000, metrics);
        var kept = Entry(OutboxKind.HardExample, 1, size: 10);
        store.Add([kept]);
        Sql($"CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN NEW.reason = '{Refused}' BEGIN SELECT RAISE(ABORT, 'refused'); END;");

        var batch = new[]
        {
            Entry(OutboxKind.AuditSample, 2, size: 20),
            Entry(OutboxKind.HardExample, 3, size: 1001),
            Entry(OutboxKind.AuditSample, 4, size: 30) with { Reason = Refused },
        };
        Assert.Throws<SqliteException>(() => store.Add(batch));

        Assert.Equal((1L, 10L), Rows());
        Assert.Equal((1L, 10L), (store.Count, store.Bytes));
        Assert.Equal((1L, 10L), (metrics.OutboxEntries.Value, metrics.OutboxBytes.Value));
        Assert.Equal(1, metrics.OutboxEnqueued.Value);
        // Nothing of the failed batch counts as dropped here: its writer counts all of it as write-failed.
        Assert.Empty(metrics.OutboxDropped);

        // Two more fit the bound of 3; a count left too high would evict the oldest to make room.
        Sql("DROP TRIGGER refuse;");
        var later = new[] { Entry(OutboxKind.HardExample, 5, size: 40), Entry(OutboxKind.HardExample, 6, size: 50) };
        Assert.Equal(2, store.Add(later));

        Assert.Equal((3L, 100L), Rows());
        Assert.Equal((3L, 100L), (store.Count, store.Bytes));
        Assert.Equal([kept.Id, .. later.Select(e => e.Id)], store.ReadOldest(OutboxKind.HardExample, 10).Select(e => e.Id));
        Assert.Empty(metrics.OutboxDropped);
    }

    [Fact]
    public void A_delete_that_fails_part_way_keeps_every_row_counted()
    {
        var metrics = new AgentMetrics();
        using var store = new OutboxStore(DbPath, 100, 1 << 20, metrics);
        var first = Entry(OutboxKind.HardExample, 1, size: 10);
        var stuck = Entry(OutboxKind.HardExample, 2, size: 20) with { Reason = Refused };
        var last = Entry(OutboxKind.HardExample, 3, size: 30);
        store.Add([first, stuck, last]);
        Sql($"CREATE TRIGGER refuse BEFORE DELETE ON outbox WHEN OLD.reason = '{Refused}' BEGIN SELECT RAISE(ABORT, 'refused'); END;");

        Assert.Throws<SqliteException>(() => store.Delete([first.Id, stuck.Id]));

        Assert.Equal((3L, 60L), Rows());
        Assert.Equal((3L, 60L), (store.Count, store.Bytes));
        Assert.Equal((3L, 60L), (metrics.OutboxEntries.Value, metrics.OutboxBytes.Value));

        Assert.Equal(1, store.Delete([first.Id]));
        Assert.Equal((2L, 50L), Rows());
        Assert.Equal((2L, 50L), (store.Count, store.Bytes));
    }

    [Fact]
    public void An_expiry_that_fails_part_way_keeps_every_row_counted_and_counts_no_expired_drop()
    {
        var metrics = new AgentMetrics();
        using var store = new OutboxStore(DbPath, 100, 1 << 20, metrics);
        // Audit samples expire first, so one is deleted before the hard example's delete is refused.
        var audit = Entry(OutboxKind.AuditSample, 1, size: 10);
        var stuck = Entry(OutboxKind.HardExample, 2, size: 20) with { Reason = Refused };
        store.Add([audit, stuck]);
        Sql($"CREATE TRIGGER refuse BEFORE DELETE ON outbox WHEN OLD.reason = '{Refused}' BEGIN SELECT RAISE(ABORT, 'refused'); END;");

        Assert.Throws<SqliteException>(() => store.Expire(stuck.CreatedAt.AddDays(1)));

        Assert.Equal((2L, 30L), Rows());
        Assert.Equal((2L, 30L), (store.Count, store.Bytes));
        Assert.Equal((2L, 30L), (metrics.OutboxEntries.Value, metrics.OutboxBytes.Value));
        Assert.Empty(metrics.OutboxDropped);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>What the file holds, read on a connection of its own.</summary>
    private (long Count, long Bytes) Rows()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(length(payload)), 0) FROM outbox;";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private void Sql(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
