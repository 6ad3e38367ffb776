namespace Edge.Cloud.Storage;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

/// <summary>
/// Opens connections to the cloud's SQLite file with the per-connection pragmas applied.
/// Connections are pooled by Microsoft.Data.Sqlite, so opening one per operation is cheap.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    public SqliteDatabase(IOptions<StorageOptions> options, IHostEnvironment environment)
    {
        var o = options.Value;
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(o.ConnectionString)
                ? $"Data Source={Path.Combine(environment.ContentRootPath, "data", "edge-cloud.db")}"
                : o.ConnectionString);
        IsFile = builder.Mode != SqliteOpenMode.Memory && builder.DataSource is not ("" or ":memory:");
        if (IsFile && !Path.IsPathRooted(builder.DataSource))
        {
            // Relative to the content root, not the working directory, so a service started from anywhere finds its data.
            builder.DataSource = Path.Combine(environment.ContentRootPath, builder.DataSource);
        }

        DataSource = builder.DataSource;
        _connectionString = builder.ToString();
        _busyTimeoutMs = o.BusyTimeoutMs;
    }

    public string DataSource { get; }

    public bool IsFile { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA foreign_keys = ON;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes pooled handles so the file can be moved or deleted once the host is gone.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
