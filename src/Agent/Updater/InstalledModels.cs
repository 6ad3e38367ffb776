namespace Edge.Agent.Updater;

using System.Text.Json;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.Updates;

/// <summary>
/// Installed versions in <c>models/{name}/{version}/</c>: <c>model.onnx</c>, <c>manifest.json</c> (derived from the
/// signed manifest, naming the file's hash so the loader re-checks the bytes it loads) and <c>package.json</c>
/// (the <see cref="SignedPackage"/>, re-verified before every load).
/// </summary>
internal sealed class InstalledModels(UpdatePaths paths, PackageTrust trust)
{
    public const string ModelFileName = "model.onnx";
    public const string ManifestFileName = "manifest.json";
    public const string PackageFileName = "package.json";

    /// <summary>The manifest the loader reads for a verified package: the signed one, naming our file and its hash.</summary>
    public static byte[] ManifestBytes(PackageManifest package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var model = JsonSerializer.Deserialize(
            JsonSerializer.SerializeToUtf8Bytes(package.Model, EdgeJsonContext.Default.ModelManifest), EdgeJsonContext.Default.ModelManifest)!;
        model.Name = package.Name;
        model.Version = package.Version;
        model.File = ModelFileName;
        model.Sha256 = package.ModelSha256;
        model.SizeBytes = package.ModelSize;
        return JsonSerializer.SerializeToUtf8Bytes(model, EdgeJsonContext.Default.ModelManifest);
    }

    /// <summary>
    /// The manifest path of an installed version whose package verifies against today's trusted keys and whose
    /// manifest is exactly the one derived from it; null with the reason otherwise. The file's hash is checked by the
    /// loader on the bytes it hands to ONNX Runtime.
    /// </summary>
    public string? Verify(string name, string version, out PackageManifest? manifest, out string? problem)
    {
        manifest = null;
        var folder = paths.VersionFolder(name, version);
        try
        {
            var package = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(folder, PackageFileName)), EdgeJsonContext.Default.SignedPackage)
                ?? throw new PackageRejectedException(UpdateFailure.MalformedPackage, "package.json is empty");
            var verified = trust.Verify(package);
            if (verified.Name != name || verified.Version != version)
            {
                problem = $"package.json is signed for {verified.Name}@{verified.Version}, not {name}@{version}";
                return null;
            }

            var manifestPath = Path.Combine(folder, ManifestFileName);
            if (!File.ReadAllBytes(manifestPath).AsSpan().SequenceEqual(ManifestBytes(verified)))
            {
                problem = "manifest.json differs from the signed manifest";
                return null;
            }

            manifest = verified;
            problem = null;
            return manifestPath;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or PackageRejectedException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Writes the version into a staging folder, flushing each file, then renames the folder into place.</summary>
    public string Install(PackageManifest manifest, SignedPackage package, byte[] model)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var final = paths.VersionFolder(manifest.Name, manifest.Version);
        var staging = final + UpdatePaths.StagingSuffix;
        DeleteFolder(staging);
        Directory.CreateDirectory(staging);
        Write(Path.Combine(staging, ModelFileName), model);
        Write(Path.Combine(staging, ManifestFileName), ManifestBytes(manifest));
        Write(Path.Combine(staging, PackageFileName), JsonSerializer.SerializeToUtf8Bytes(package, EdgeJsonContext.Default.SignedPackage));

        // A folder left by an earlier attempt at the same version is replaced as a whole.
        DeleteFolder(final);
        Directory.Move(staging, final);
        return Path.Combine(final, ManifestFileName);
    }

    /// <summary>The installed version a loaded manifest belongs to, or null for a model from elsewhere (the factory one).</summary>
    public string? VersionOf(string name, string manifestPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath));
        var parent = folder is null ? null : Path.GetDirectoryName(folder);
        return parent is not null && Path.GetFullPath(Path.Combine(paths.Models, name)) == parent ? Path.GetFileName(folder) : null;
    }

    public void Remove(string name, string version) => DeleteFolder(paths.VersionFolder(name, version));

    /// <summary>Deletes every installed version of <paramref name="name"/> except <paramref name="keep"/>.</summary>
    public void Prune(string name, IReadOnlyCollection<string> keep)
    {
        var folder = Path.Combine(paths.Models, name);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var version in Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>())
        {
            if (!keep.Contains(version))
            {
                DeleteFolder(Path.Combine(folder, version));
            }
        }
    }

    /// <summary>Temp files and staging folders are what a crash leaves half-written: none of them is ever used.</summary>
    public IReadOnlyList<string> DeleteLeftovers()
    {
        var deleted = new List<string>();
        foreach (var root in new[] { paths.Models, paths.Downloads }.Where(Directory.Exists))
        {
            foreach (var staging in Directory.EnumerateDirectories(root, "*" + UpdatePaths.StagingSuffix, SearchOption.AllDirectories).ToList())
            {
                DeleteFolder(staging);
                deleted.Add(staging);
            }

            foreach (var temp in Directory.EnumerateFiles(root, "*" + UpdatePaths.TempSuffix, SearchOption.AllDirectories).ToList())
            {
                File.Delete(temp);
                deleted.Add(temp);
            }
        }

        return deleted;
    }

    private static void Write(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void DeleteFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
