namespace Edge.Agent.Updater;

/// <summary>Write to a temp name, flush to disk, rename: a crash leaves the old file or the new one, never half of one.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + UpdatePaths.TempSuffix;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);

            // Without this the rename can reach the disk before the data, leaving an empty file after a power cut.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
