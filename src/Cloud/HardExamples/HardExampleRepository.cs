namespace Edge.Cloud.HardExamples;

using System.Globalization;
using System.Runtime.CompilerServices;
using Edge.Cloud.Storage;
using Edge.Shared.HardExamples;
using Microsoft.Data.Sqlite;

/// <summary>
/// The <c>hard_examples</c> table. The device's id is the key and rows are inserted with <c>INSERT OR IGNORE</c>,
/// so an upload repeated after a lost acknowledgement stores nothing twice.
/// </summary>
internal sealed class HardExampleRepository(SqliteDatabase database)
{
    private const string Columns = "id, device_id, created_at, received_at, content_type, edge_label, edge_score, reason, cloud_label, cloud_score, cloud_model, label_error";

    /// <summary>Which of <paramref name="ids"/> are stored already (so they are not labelled again).</summary>
    public async Task<HashSet<Guid>> FindExistingAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM hard_examples WHERE id = $id;";
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var existing = new HashSet<Guid>();
        foreach (var value in ids)
        {
            id.Value = value.ToString("D");
            if (await command.ExecuteScalarAsync(cancellationToken) is not null)
            {
                existing.Add(value);
            }
        }

        return existing;
    }

    /// <summary>Inserts in one transaction; returns the ids that were new (the rest were stored already).</summary>
    public async Task<List<Guid>> InsertAsync(string deviceId, IReadOnlyList<(HardExampleItem Item, CloudLabel Label)> rows, string? model, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT OR IGNORE INTO hard_examples ({Columns}, payload)
            VALUES ($id, $device, $created, $received, $type, $edgeLabel, $edgeScore, $reason, $cloudLabel, $cloudScore, $model, $error, $payload);
            """;
        var p = insert.Parameters;
        var id = p.Add("$id", SqliteType.Text);
        p.AddWithValue("$device", deviceId);
        var created = p.Add("$created", SqliteType.Text);
        p.AddWithValue("$received", receivedAt.ToString("O", CultureInfo.InvariantCulture));
        var type = p.Add("$type", SqliteType.Text);
        var edgeLabel = p.Add("$edgeLabel", SqliteType.Text);
        var edgeScore = p.Add("$edgeScore", SqliteType.Real);
        var reason = p.Add("$reason", SqliteType.Text);
        var cloudLabel = p.Add("$cloudLabel", SqliteType.Text);
        var cloudScore = p.Add("$cloudScore", SqliteType.Real);
        var modelId = p.Add("$model", SqliteType.Text);
        var error = p.Add("$error", SqliteType.Text);
        var payload = p.Add("$payload", SqliteType.Blob);
        var accepted = new List<Guid>(rows.Count);
        foreach (var (item, label) in rows)
        {
            id.Value = item.Id.ToString("D");
            created.Value = item.CreatedAt.ToString("O", CultureInfo.InvariantCulture);
            type.Value = item.ContentType;
            edgeLabel.Value = item.LocalLabel;
            edgeScore.Value = item.LocalScore;
            reason.Value = item.Reason;
            cloudLabel.Value = (object?)label.Label ?? DBNull.Value;
            cloudScore.Value = (object?)label.Score ?? DBNull.Value;
            modelId.Value = label.Label is null ? DBNull.Value : (object?)model ?? DBNull.Value;
            error.Value = (object?)label.Error ?? DBNull.Value;
            payload.Value = item.Payload;
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                accepted.Add(item.Id);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return accepted;
    }

    /// <summary>Newest first, without payloads.</summary>
    public async Task<StoredHardExample[]> ListAsync(string? deviceId, int limit, CancellationToken cancellationToken)
    {
        var list = new List<StoredHardExample>();
        await foreach (var row in QueryAsync(deviceId, limit, newestFirst: true, withPayload: false, cancellationToken))
        {
            list.Add(row);
        }

        return [.. list];
    }

    /// <summary>Oldest first, with payloads, streamed so an export does not hold the dataset in memory.</summary>
    public IAsyncEnumerable<StoredHardExample> ExportAsync(string? deviceId, CancellationToken cancellationToken) =>
        QueryAsync(deviceId, -1, newestFirst: false, withPayload: true, cancellationToken);

    private async IAsyncEnumerable<StoredHardExample> QueryAsync(
        string? deviceId, int limit, bool newestFirst, bool withPayload, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns}{(withPayload ? ", payload" : string.Empty)} FROM hard_examples
            WHERE ($device IS NULL OR device_id = $device)
            ORDER BY seq {(newestFirst ? "DESC" : "ASC")} LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$device", (object?)deviceId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new StoredHardExample
            {
                Id = Guid.Parse(reader.GetString(0)),
                DeviceId = reader.GetString(1),
                CreatedAt = DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                ReceivedAt = DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                ContentType = reader.GetString(4),
                EdgeLabel = reader.GetString(5),
                EdgeScore = reader.GetDouble(6),
                Reason = reader.GetString(7),
                CloudLabel = reader.IsDBNull(8) ? null : reader.GetString(8),
                CloudScore = reader.IsDBNull(9) ? null : reader.GetDouble(9),
                CloudModel = reader.IsDBNull(10) ? null : reader.GetString(10),
                LabelError = reader.IsDBNull(11) ? null : reader.GetString(11),
                Payload = withPayload ? (byte[])reader.GetValue(12) : null,
            };
        }
    }
}
