namespace Edge.Shared.Security;

using System.Text;

/// <summary>
/// Writes a secret (a token, a device's credentials) so that no moment exists in which another user could read it:
/// mode 0600 from creation, never tightened afterwards.
/// </summary>
public static class OwnerOnlyFile
{
    public static void Write(string path, string content) => Write(path, Encoding.UTF8.GetBytes(content));

    /// <exception cref="IOException">The folder or the file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not write there.</exception>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        // A file left by someone else could carry wider permissions (or be a link elsewhere); start from nothing.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
