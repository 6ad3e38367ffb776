namespace Edge.Cloud.LoadControl;

using Edge.Cloud.Storage;

/// <summary>
/// The labelled samples of a group's devices from the hard-example store: audits (a uniform sample of Local answers,
/// so above the threshold of their time) and hard examples (cloud-answered and degraded, below it). A sample is
/// correct when the edge label equals the cloud's. The newest <see cref="MaxSamples"/> count.
/// </summary>
internal sealed class LabelledSamples(SqliteDatabase database)
{
    public const int MaxSamples = 20_000;

    public async Task<IReadOnlyList<(double Score, bool Correct)>> ForGroupAsync(string group, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT h.edge_score, h.edge_label = h.cloud_label
            FROM hard_examples h JOIN device_reported d ON d.device_id = h.device_id
            WHERE d.group_name = $group AND h.cloud_label IS NOT NULL
            ORDER BY h.seq DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$group", group);
        command.Parameters.AddWithValue("$limit", MaxSamples);
        var result = new List<(double, bool)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((reader.GetDouble(0), reader.GetInt64(1) == 1));
        }

        return result;
    }
}
