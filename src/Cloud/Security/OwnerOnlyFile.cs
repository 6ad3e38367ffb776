namespace Edge.Cloud.Security;

/// <summary>Writes a secret so that no moment exists in which another user could read it (mode 0600 from creation).</summary>
internal static class OwnerOnlyFile
{
    public static void Write(string path, string content)
    {
        if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        // A file left by someone else could carry wider permissions; start from nothing.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
