namespace Edge.Agent.ConfigSync;

using System.Text.Json;
using Edge.Shared.Config;
using Edge.Shared.Serialization;

/// <summary>
/// The applied desired configs on disk (a JSON array of <see cref="DesiredConfig"/>, one per scope), so a
/// device that reboots without network keeps the operator's last threshold and its version high-water marks.
/// </summary>
internal sealed class ConfigStateFile(string path, ILogger<ConfigStateFile> logger)
{
    public const string FileName = "config-sync.json";

    public string Path { get; } = path;

    /// <summary>
    /// Reads what was saved. A missing, unreadable or corrupt file yields <see cref="HeldConfigs.None"/>
    /// (the agent then runs on defaults until the broker re-delivers the retained configs); an entry for
    /// another group or device (the agent was re-assigned) is dropped.
    /// </summary>
    public HeldConfigs Load(ConfigTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (!File.Exists(Path))
        {
            return HeldConfigs.None;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path));
            var held = HeldConfigs.None;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var config = element.Deserialize(EdgeJsonContext.Default.DesiredConfig);
                if (config is null || !Enum.IsDefined(config.Scope))
                {
                    continue;
                }

                if (ConfigRules.Validate(config, config.Scope, targets.TargetOf(config.Scope)) is { } error)
                {
                    logger.StateEntryDropped(Path, config.Scope, error);
                    continue;
                }

                held = held.With(config.Scope, config);
            }

            return held;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            logger.StateUnreadable(ex, Path);
            return HeldConfigs.None;
        }
    }

    /// <summary>Atomic replace: write a temp file, flush it to disk, rename over the old one.</summary>
    public async Task SaveAsync(HeldConfigs held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = Path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartArray();
                foreach (var scope in HeldConfigs.MostSpecificFirst)
                {
                    if (held.For(scope) is { } config)
                    {
                        JsonSerializer.Serialize(writer, config, EdgeJsonContext.Default.DesiredConfig);
                    }
                }

                writer.WriteEndArray();
                await writer.FlushAsync(cancellationToken);
            }

            // Without this the rename can reach the disk before the data, leaving an empty file after a power cut.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
