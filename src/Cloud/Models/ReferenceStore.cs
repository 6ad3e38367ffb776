namespace Edge.Cloud.Models;

using System.Globalization;
using Edge.Cloud.Storage;
using Edge.Shared.Models;

/// <summary>The reference set per model name (<c>model_references</c>): replaced whole by each admin PUT, read by every publish.</summary>
internal sealed class ReferenceStore(SqliteDatabase database)
{
    public async Task SetAsync(ModelReference reference, byte[] data, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO model_references (name, data, form, count, floor, set_at, set_by)
            VALUES ($name, $data, $form, $count, $floor, $at, $by)
            ON CONFLICT (name) DO UPDATE SET data = excluded.data, form = excluded.form, count = excluded.count,
                floor = excluded.floor, set_at = excluded.set_at, set_by = excluded.set_by
            """;
        command.Parameters.AddWithValue("$name", reference.Name);
        command.Parameters.AddWithValue("$data", data);
        command.Parameters.AddWithValue("$form", reference.Form);
        command.Parameters.AddWithValue("$count", reference.Samples);
        command.Parameters.AddWithValue("$floor", reference.Floor);
        command.Parameters.AddWithValue("$at", reference.SetAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$by", reference.SetBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>What the set is, without its data; null when the name has none.</summary>
    public async Task<ModelReference?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ReadAsync(name, withData: false, cancellationToken))?.Reference;

    /// <summary>The set with its data as sent; null when the name has none.</summary>
    public Task<(ModelReference Reference, byte[] Data)?> LoadAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(name, withData: true, cancellationToken);

    private async Task<(ModelReference Reference, byte[] Data)?> ReadAsync(string name, bool withData, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = withData
            ? "SELECT form, count, floor, set_at, set_by, data FROM model_references WHERE name = $name"
            : "SELECT form, count, floor, set_at, set_by FROM model_references WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var reference = new ModelReference
        {
            Name = name,
            Form = reader.GetString(0),
            Samples = reader.GetInt32(1),
            Floor = reader.GetDouble(2),
            SetAt = DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
            SetBy = reader.GetString(4),
        };
        return (reference, withData ? (byte[])reader.GetValue(5) : []);
    }
}
