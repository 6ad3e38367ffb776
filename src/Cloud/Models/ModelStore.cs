namespace Edge.Cloud.Models;

using System.Globalization;
using System.Text.Json;
using Edge.Cloud.Storage;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

/// <summary>
/// Published versions: the ONNX file and its manifest under <c>{StorePath}/{name}/{version}/</c>, one SQLite row each.
/// A version is written once (folder moved into place whole, then the row) and never replaced.
/// </summary>
internal sealed class ModelStore
{
    private readonly SqliteDatabase _database;

    public ModelStore(SqliteDatabase database, IOptions<ModelRegistryOptions> options, IHostEnvironment environment)
    {
        _database = database;
        var path = options.Value.StorePath;
        Root = string.IsNullOrWhiteSpace(path)
            ? Path.Combine(environment.ContentRootPath, "data", "models")
            : Path.GetFullPath(path, environment.ContentRootPath);
    }

    public string Root { get; }

    public static string FileName(string name, string version) => $"{name}-{version}.onnx";

    public static string ManifestName(string name, string version) => $"{name}-{version}.manifest.json";

    public string ModelPath(string name, string version) => Path.Combine(Root, name, version, FileName(name, version));

    public string ManifestPath(string name, string version) => Path.Combine(Root, name, version, ManifestName(name, version));

    public async Task<bool> ExistsAsync(string name, string version, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM models WHERE name = $name AND version = $version";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$version", version);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task SaveAsync(ModelManifest manifest, byte[] model, PublishedModel row, CancellationToken cancellationToken)
    {
        var manifestJson = JsonSerializer.Serialize(manifest, EdgeJsonContext.Default.ModelManifest);
        var folder = Path.Combine(Root, row.Name, row.Version);
        var staging = Path.Combine(Root, row.Name, $".{row.Version}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(staging, FileName(row.Name, row.Version)), model, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(staging, ManifestName(row.Name, row.Version)), manifestJson, cancellationToken);
            if (Directory.Exists(folder))
            {
                // Left by a publish whose row was never written (crash between the move and the insert).
                Directory.Delete(folder, recursive: true);
            }

            Directory.Move(staging, folder);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO models (name, version, quantization, sha256, size_bytes, source_size_bytes, fp32_accuracy, int8_accuracy,
                                int8_agreement, published_at, manifest_json)
            VALUES ($name, $version, $quantization, $sha256, $size, $sourceSize, $fp32, $int8, $agreement, $at, $json)
            """;
        command.Parameters.AddWithValue("$name", row.Name);
        command.Parameters.AddWithValue("$version", row.Version);
        command.Parameters.AddWithValue("$quantization", row.Quantization);
        command.Parameters.AddWithValue("$sha256", row.Sha256);
        command.Parameters.AddWithValue("$size", row.SizeBytes);
        command.Parameters.AddWithValue("$sourceSize", row.SourceSizeBytes);
        command.Parameters.AddWithValue("$fp32", (object?)row.Fp32Accuracy ?? DBNull.Value);
        command.Parameters.AddWithValue("$int8", (object?)row.Int8Accuracy ?? DBNull.Value);
        command.Parameters.AddWithValue("$agreement", (object?)row.Int8Agreement ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", row.PublishedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$json", manifestJson);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<PublishedModel[]> ListAsync(string? name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT name, version, quantization, sha256, size_bytes, source_size_bytes, fp32_accuracy, int8_accuracy, int8_agreement, published_at
            FROM models WHERE $name IS NULL OR name = $name ORDER BY name, published_at, version
            """;
        command.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PublishedModel>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PublishedModel
            {
                Name = reader.GetString(0),
                Version = reader.GetString(1),
                Quantization = reader.GetString(2),
                Sha256 = reader.GetString(3),
                SizeBytes = reader.GetInt64(4),
                SourceSizeBytes = reader.GetInt64(5),
                Fp32Accuracy = NullableDouble(reader, 6),
                Int8Accuracy = NullableDouble(reader, 7),
                Int8Agreement = NullableDouble(reader, 8),
                PublishedAt = DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture),
            });
        }

        return [.. rows];
    }

    public async Task<string?> ManifestJsonAsync(string name, string version, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest_json FROM models WHERE name = $name AND version = $version";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$version", version);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static double? NullableDouble(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover staging folder is ignored (its name starts with '.') and harmless.
        }
    }
}
