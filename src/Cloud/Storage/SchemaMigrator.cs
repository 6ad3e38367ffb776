namespace Edge.Cloud.Storage;

using System.Globalization;
using Microsoft.Data.Sqlite;

/// <summary>
/// Brings the database to the latest schema before anything else starts (it is registered first, and
/// hosted services start in registration order, before Kestrel accepts requests).
/// </summary>
internal sealed partial class SchemaMigrator(SqliteDatabase database, ILogger<SchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.IsFile)
        {
            OwnerOnly(database.DataSource);
        }

        await using var connection = await database.OpenAsync(cancellationToken);

        // WAL is a property of the file, so setting it once here covers every later connection.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_version (
                id      INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL
            );
            """, cancellationToken);

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var current = await ReadVersionAsync(connection, transaction, cancellationToken);
        if (current > Migrations.All.Length)
        {
            throw new InvalidOperationException(
                $"database schema version {current} is newer than this build knows ({Migrations.All.Length}); refusing to run an old build on it");
        }

        for (var version = current + 1; version <= Migrations.All.Length; version++)
        {
            await ExecuteAsync(connection, transaction, Migrations.All[version - 1], cancellationToken);
            LogMigrated(logger, version);
        }

        await using (var set = connection.CreateCommand())
        {
            set.Transaction = transaction;
            set.CommandText = "INSERT INTO schema_version (id, version) VALUES (1, $v) ON CONFLICT (id) DO UPDATE SET version = excluded.version;";
            set.Parameters.AddWithValue("$v", Migrations.All.Length);
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogReady(logger, database.DataSource, Migrations.All.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The database holds camera payloads and the audit trail: mode 0600 from the first byte. SQLite gives its -wal and
    /// -shm files the database file's mode, so creating the (empty, valid) file first covers them too; files an older
    /// version left 0644 are tightened.
    /// </summary>
    private void OwnerOnly(string file)
    {
        var folder = Path.GetDirectoryName(file);
        if (OperatingSystem.IsWindows())
        {
            if (folder is { Length: > 0 })
            {
                Directory.CreateDirectory(folder);
            }

            return;
        }

        if (folder is { Length: > 0 } && !Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!File.Exists(file))
        {
            try
            {
                using var created = new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Private });
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process created it first; tightened below like any existing file.
            }
        }

        foreach (var path in (ReadOnlySpan<string>)[file, file + "-wal", file + "-shm"])
        {
            if (File.Exists(path) && (File.GetUnixFileMode(path) & ~Private) != 0)
            {
                File.SetUnixFileMode(path, Private);
                LogTightened(logger, path);
            }
        }
    }

    private static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM schema_version WHERE id = 1;";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 9501, Level = LogLevel.Information, Message = "Applied database migration {Version}")]
    private static partial void LogMigrated(ILogger logger, int version);

    [LoggerMessage(EventId = 9503, Level = LogLevel.Warning, Message = "{Path} was readable by group or others; it is now 0600")]
    private static partial void LogTightened(ILogger logger, string path);

    [LoggerMessage(EventId = 9502, Level = LogLevel.Information, Message = "Database {DataSource} is at schema version {Version}")]
    private static partial void LogReady(ILogger logger, string dataSource, int version);
}
