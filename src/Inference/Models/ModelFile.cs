namespace Edge.Inference;

using System.Security.Cryptography;
using System.Text.Json;
using Edge.Shared.Models;
using Edge.Shared.Serialization;

/// <summary>A manifest and the verified bytes of its ONNX file.</summary>
/// <remarks>
/// The bytes that were hashed are the bytes handed to ONNX Runtime, so a file swapped between the check
/// and the load cannot slip through.
/// </remarks>
public sealed class ModelFile
{
    private ModelFile(string manifestPath, ModelManifest manifest, string modelPath, byte[] modelBytes)
    {
        ManifestPath = manifestPath;
        Manifest = manifest;
        ModelPath = modelPath;
        ModelBytes = modelBytes;
    }

    public string ManifestPath { get; }

    public ModelManifest Manifest { get; }

    public string ModelPath { get; }

    public byte[] ModelBytes { get; }

    /// <exception cref="ModelLoadException">The manifest or the model cannot be read, is invalid, or does not match its size or SHA-256.</exception>
    public static ModelFile Load(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        var fullPath = Path.GetFullPath(manifestPath);
        var manifest = ReadManifest(fullPath);
        var modelPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, manifest.File));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(modelPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"model file '{modelPath}' named by '{fullPath}' cannot be read: {e.Message}", e);
        }

        Verify(manifest, modelPath, bytes);
        return new ModelFile(fullPath, manifest, modelPath, bytes);
    }

    private static ModelManifest ReadManifest(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var manifest = JsonSerializer.Deserialize(stream, EdgeJsonContext.Default.ModelManifest)
                ?? throw new ModelLoadException($"model manifest '{path}' is empty");
            ManifestRules.Validate(manifest, path);
            return manifest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"model manifest '{path}' cannot be read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"model manifest '{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static void Verify(ModelManifest manifest, string modelPath, byte[] bytes)
    {
        if (manifest.SizeBytes > 0 && manifest.SizeBytes != bytes.LongLength)
        {
            throw new ModelLoadException(
                $"model file '{modelPath}' is {bytes.LongLength} bytes, the manifest says {manifest.SizeBytes}; refusing to load it");
        }

        if (string.IsNullOrEmpty(manifest.Sha256))
        {
            return;
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, manifest.Sha256.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(
                $"model file '{modelPath}' has SHA-256 {actual}, the manifest says {manifest.Sha256}; refusing to load it");
        }
    }
}
