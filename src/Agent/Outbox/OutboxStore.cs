namespace Edge.Agent.Outbox;

using Edge.Agent.Observability;
using Microsoft.Data.Sqlite;

/// <summary>
/// The outbox table in its own SQLite file: WAL with <c>synchronous=NORMAL</c>, so a commit costs no fsync and
/// survives a process crash; <see cref="Sync"/> (a checkpoint, which fsyncs) bounds what power loss can take.
/// One connection, one lock for the writer and the drain (every operation is short); the periodic sync has its own.
/// Depth is kept in memory (and in the metrics' gauges) so bounds are checked without scanning.
/// </summary>
internal sealed class OutboxStore : IDisposable
{
    /// <summary>Kinds in the order a full outbox gives them up.</summary>
    private static readonly OutboxKind[] DropOrder = [OutboxKind.AuditSample, OutboxKind.Telemetry, OutboxKind.HardExample];

    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private readonly Lock _syncLock = new();
    private readonly SqliteConnection _syncConnection;
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly AgentMetrics _metrics;
    private long _count;
    private long _bytes;

    public OutboxStore(string path, int maxEntries, long maxBytes, AgentMetrics metrics)
    {
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _metrics = metrics;
        if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        // Camera frames: owner-only from the first byte (SQLite gives -wal and -shm the database file's mode).
        if (!OperatingSystem.IsWindows() && !File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }

        // No pooling: disposing the store must release the file (a restarted host in the same process reopens it).
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS outbox (
                seq          INTEGER PRIMARY KEY AUTOINCREMENT,
                id           TEXT    NOT NULL UNIQUE,
                created_at   INTEGER NOT NULL,
                kind         INTEGER NOT NULL,
                content_type TEXT    NOT NULL,
                payload      BLOB    NOT NULL,
                local_label  TEXT    NOT NULL,
                score        REAL    NOT NULL,
                reason       TEXT    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS outbox_kind_seq ON outbox (kind, seq);
            CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);
            """);
        Reload();
        _syncConnection = new SqliteConnection(_connection.ConnectionString);
        _syncConnection.Open();
    }

    public long Count => Interlocked.Read(ref _count);

    public long Bytes => Interlocked.Read(ref _bytes);

    public static string KindLabel(OutboxKind kind) => kind switch
    {
        OutboxKind.AuditSample => "audit_sample",
        OutboxKind.Telemetry => "telemetry",
        _ => "hard_example",
    };

    /// <summary>Stores the entries in one transaction, then evicts by the drop order until both bounds hold.</summary>
    /// <returns>How many were stored (an entry larger than the whole byte bound is dropped as <c>too-large</c>).</returns>
    /// <remarks>
    /// Depth and drop counts change only once the transaction has committed: a statement that fails part-way (a full
    /// disk, a constraint) rolls back every row of the batch, so nothing of it is counted; the depth is then re-read
    /// from the table.
    /// </remarks>
    public int Add(IReadOnlyList<OutboxEntry> entries)
    {
        lock (_lock)
        {
            var depth = new Depth(_count, _bytes);
            var drops = new List<(string Reason, OutboxKind Kind, int Count)>();
            var stored = 0;
            using var transaction = _connection.BeginTransaction();
            try
            {
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT OR IGNORE INTO outbox (id, created_at, kind, content_type, payload, local_label, score, reason)
                    VALUES ($id, $at, $kind, $type, $payload, $label, $score, $reason);
                    """;
                var id = insert.Parameters.Add("$id", SqliteType.Text);
                var at = insert.Parameters.Add("$at", SqliteType.Integer);
                var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
                var type = insert.Parameters.Add("$type", SqliteType.Text);
                var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
                var label = insert.Parameters.Add("$label", SqliteType.Text);
                var score = insert.Parameters.Add("$score", SqliteType.Real);
                var reason = insert.Parameters.Add("$reason", SqliteType.Text);
                foreach (var e in entries)
                {
                    if (e.Payload.Length > _maxBytes)
                    {
                        drops.Add((DropReasons.TooLarge, e.Kind, 1));
                        continue;
                    }

                    id.Value = e.Id.ToString("D");
                    at.Value = e.CreatedAt.ToUnixTimeMilliseconds();
                    kind.Value = (int)e.Kind;
                    type.Value = e.ContentType;
                    payload.Value = e.Payload;
                    label.Value = e.LocalLabel;
                    score.Value = e.Score;
                    reason.Value = e.Reason;
                    if (insert.ExecuteNonQuery() == 1)
                    {
                        stored++;
                        depth.Count++;
                        depth.Bytes += e.Payload.Length;
                    }
                }

                Evict(transaction, ref depth, drops);
                transaction.Commit();
            }
            catch
            {
                Abandon(transaction);
                throw;
            }

            Apply(depth, drops);
            _metrics.OutboxEnqueued.Add(stored);
            return stored;
        }
    }

    /// <summary>Drops entries created before <paramref name="cutoff"/>, counted as <c>expired</c> (once committed).</summary>
    public int Expire(DateTimeOffset cutoff)
    {
        lock (_lock)
        {
            var depth = new Depth(_count, _bytes);
            var drops = new List<(string Reason, OutboxKind Kind, int Count)>();
            var dropped = 0;
            using var transaction = _connection.BeginTransaction();
            try
            {
                foreach (var kind in DropOrder)
                {
                    using var delete = _connection.CreateCommand();
                    delete.Transaction = transaction;
                    delete.CommandText = "DELETE FROM outbox WHERE kind = $kind AND created_at < $cutoff RETURNING length(payload);";
                    delete.Parameters.AddWithValue("$kind", (int)kind);
                    delete.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
                    var n = 0;
                    using (var reader = delete.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            n++;
                            depth.Count--;
                            depth.Bytes -= reader.GetInt64(0);
                        }
                    }

                    if (n > 0)
                    {
                        drops.Add((DropReasons.Expired, kind, n));
                        dropped += n;
                    }
                }

                transaction.Commit();
            }
            catch
            {
                Abandon(transaction);
                throw;
            }

            Apply(depth, drops);
            return dropped;
        }
    }

    /// <summary>The oldest entries of one kind, in enqueue order.</summary>
    public IReadOnlyList<OutboxEntry> ReadOldest(OutboxKind kind, int max)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT id, created_at, content_type, payload, local_label, score, reason
                FROM outbox WHERE kind = $kind ORDER BY seq LIMIT $max;
                """;
            command.Parameters.AddWithValue("$kind", (int)kind);
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            var entries = new List<OutboxEntry>();
            while (reader.Read())
            {
                entries.Add(new OutboxEntry(
                    Guid.Parse(reader.GetString(0)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    kind,
                    reader.GetString(2),
                    (byte[])reader.GetValue(3),
                    reader.GetString(4),
                    reader.GetDouble(5),
                    reader.GetString(6)));
            }

            return entries;
        }
    }

    /// <summary>Removes entries the cloud acknowledged; ids no longer here (evicted meanwhile) are skipped.</summary>
    public int Delete(IEnumerable<Guid> ids)
    {
        lock (_lock)
        {
            var depth = new Depth(_count, _bytes);
            var deleted = 0;
            using var transaction = _connection.BeginTransaction();
            try
            {
                using var delete = _connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM outbox WHERE id = $id RETURNING length(payload);";
                var id = delete.Parameters.Add("$id", SqliteType.Text);
                foreach (var value in ids)
                {
                    id.Value = value.ToString("D");
                    if (delete.ExecuteScalar() is long length)
                    {
                        deleted++;
                        depth.Count--;
                        depth.Bytes -= length;
                    }
                }

                transaction.Commit();
            }
            catch
            {
                Abandon(transaction);
                throw;
            }

            Apply(depth, []);
            return deleted;
        }
    }

    /// <summary>
    /// Forces committed entries to disk: a passive checkpoint fsyncs the WAL before copying it. On its own connection,
    /// so commits (which answers wait for) never queue behind the fsync; in WAL mode a passive checkpoint and a writer
    /// do not block each other.
    /// </summary>
    public void Sync()
    {
        lock (_syncLock)
        {
            using var command = _syncConnection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_syncLock)
        {
            _syncConnection.Dispose();
        }

        lock (_lock)
        {
            Execute("PRAGMA wal_checkpoint(TRUNCATE);");
            _connection.Dispose();
        }
    }

    /// <summary>Deletes by the drop order until <paramref name="depth"/> (the transaction's, not yet committed) is within both bounds.</summary>
    private void Evict(SqliteTransaction transaction, ref Depth depth, List<(string Reason, OutboxKind Kind, int Count)> drops)
    {
        foreach (var kind in DropOrder)
        {
            if (depth.Count <= _maxEntries && depth.Bytes <= _maxBytes)
            {
                return;
            }

            var victims = new List<long>();
            var freedBytes = 0L;
            using (var select = _connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "SELECT seq, length(payload) FROM outbox WHERE kind = $kind ORDER BY seq;";
                select.Parameters.AddWithValue("$kind", (int)kind);
                using var reader = select.ExecuteReader();
                while ((depth.Count - victims.Count > _maxEntries || depth.Bytes - freedBytes > _maxBytes) && reader.Read())
                {
                    victims.Add(reader.GetInt64(0));
                    freedBytes += reader.GetInt64(1);
                }
            }

            using var delete = _connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM outbox WHERE seq = $seq;";
            var seq = delete.Parameters.Add("$seq", SqliteType.Integer);
            foreach (var victim in victims)
            {
                seq.Value = victim;
                delete.ExecuteNonQuery();
            }

            if (victims.Count > 0)
            {
                depth.Count -= victims.Count;
                depth.Bytes -= freedBytes;
                drops.Add((DropReasons.Full, kind, victims.Count));
            }
        }
    }

    /// <summary>After a commit: the transaction's depth becomes the store's, and its drops are counted.</summary>
    private void Apply(Depth depth, List<(string Reason, OutboxKind Kind, int Count)> drops)
    {
        Interlocked.Exchange(ref _count, depth.Count);
        Interlocked.Exchange(ref _bytes, depth.Bytes);
        foreach (var (reason, kind, count) in drops)
        {
            _metrics.RecordOutboxDrop(reason, KindLabel(kind), count);
        }

        Publish();
    }

    /// <summary>
    /// After a failed statement or commit: rolls back what is still open (SQLite may have rolled back already) and
    /// re-reads the depth, since a failed commit leaves unsure what reached the file. The counts were not touched, so if
    /// even the re-read fails they still describe the last committed state.
    /// </summary>
    private void Abandon(SqliteTransaction transaction)
    {
        try
        {
            transaction.Rollback();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            // Already rolled back (SQLite does so itself on some errors, e.g. a full disk).
        }

        try
        {
            Reload();
        }
        catch (SqliteException)
        {
            // The caller gets the original failure; the counts keep the last committed state.
        }
    }

    /// <summary>Depth from the table itself: at open, and after a failed transaction left the counts unsure.</summary>
    private void Reload()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(length(payload)), 0) FROM outbox;";
        using var reader = command.ExecuteReader();
        reader.Read();
        Interlocked.Exchange(ref _count, reader.GetInt64(0));
        Interlocked.Exchange(ref _bytes, reader.GetInt64(1));
        Publish();
    }

    private void Publish()
    {
        _metrics.OutboxEntries.Set(_count);
        _metrics.OutboxBytes.Set(_bytes);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Entries and payload bytes as a transaction sees them, applied to the store only once it commits.</summary>
    private record struct Depth(long Count, long Bytes);
}
