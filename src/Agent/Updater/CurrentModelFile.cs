namespace Edge.Agent.Updater;

using System.Text.Json;

/// <summary>Reads and replaces <c>models/current.json</c>; a missing or unreadable file means "the factory model".</summary>
internal sealed class CurrentModelFile(UpdatePaths paths)
{
    public string Path => paths.CurrentFile;

    public CurrentModel? Read(out string? problem)
    {
        problem = null;
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            var current = JsonSerializer.Deserialize(File.ReadAllBytes(Path), UpdaterJsonContext.Default.CurrentModel);
            if (current is null || !UpdatePaths.IsSafeSegment(current.Name) || !UpdatePaths.IsSafeSegment(current.Version) ||
                (current.Previous is not null && !UpdatePaths.IsSafeSegment(current.Previous)))
            {
                problem = "it does not name a valid model and version";
                return null;
            }

            return current;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }

    public void Write(CurrentModel current) =>
        AtomicFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(current, UpdaterJsonContext.Default.CurrentModel));

    /// <summary>Back to the factory model at the next start.</summary>
    public void Clear() => File.Delete(Path);
}
