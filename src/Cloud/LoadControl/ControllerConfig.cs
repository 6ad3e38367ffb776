namespace Edge.Cloud.LoadControl;

using System.Text.Json;
using Edge.Cloud.Hosting;
using Edge.Cloud.Storage;

/// <summary>The controller's live settings, persisted as one JSON row in <c>controller_state</c>.</summary>
internal sealed class ControllerConfig
{
    public bool Enabled { get; set; }

    public double? TargetCloudRps { get; set; }

    public double PeriodSeconds { get; set; }

    public double MaxStep { get; set; }

    public double DeadBand { get; set; }

    public double PinSeconds { get; set; }

    public double IntegralGain { get; set; }

    /// <summary>Groups the operator switched the controller off for.</summary>
    public List<string> DisabledGroups { get; set; } = [];

    public static ControllerConfig From(LoadControllerOptions o) => new()
    {
        Enabled = o.Enabled, TargetCloudRps = o.TargetCloudRps, PeriodSeconds = o.PeriodSeconds, MaxStep = o.MaxStep,
        DeadBand = o.DeadBand, PinSeconds = o.PinSeconds, IntegralGain = o.IntegralGain,
    };

    public ControllerConfig Copy() => (ControllerConfig)MemberwiseClone() is var c ? WithGroups(c, [.. DisabledGroups]) : this;

    public static async Task<ControllerConfig?> LoadAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM controller_state WHERE key = 'config';";
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize(json, CloudJsonContext.Default.ControllerConfig)
            : null;
    }

    public async Task SaveAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO controller_state (key, json) VALUES ('config', $json) ON CONFLICT (key) DO UPDATE SET json = excluded.json;";
        command.Parameters.AddWithValue("$json", JsonSerializer.Serialize(this, CloudJsonContext.Default.ControllerConfig));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static ControllerConfig WithGroups(ControllerConfig c, List<string> groups)
    {
        c.DisabledGroups = groups;
        return c;
    }
}
