namespace Edge.TestSupport.Mosquitto;

using System.Diagnostics;

/// <summary>Where a broker being configured lives: its own temp folder and loopback port.</summary>
public sealed record BrokerFolder(string Directory, int Port);

/// <summary>Pieces for a custom <see cref="MosquittoBroker"/> configuration.</summary>
public static class MosquittoFiles
{
    /// <summary>Log to stdout, where <see cref="MosquittoBroker.Log"/> collects it; append to a custom configuration.</summary>
    public const string LogSettings = """
        log_dest stdout
        log_type error
        log_type warning
        log_type notice
        log_type information
        connection_messages true
        log_timestamp_format %H:%M:%S

        """;

    /// <summary>Writes a Mosquitto password file (hashed by <c>mosquitto_passwd</c>) with the given logins.</summary>
    public static async Task WritePasswordFileAsync(string path, IEnumerable<(string User, string Password)> logins, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logins);
        var passwd = MosquittoBroker.FindBinary("mosquitto_passwd");
        await File.WriteAllTextAsync(path, string.Empty, cancellationToken);
        foreach (var (user, password) in logins)
        {
            using var process = Process.Start(new ProcessStartInfo(passwd)
            {
                ArgumentList = { "-b", path, user, password },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"mosquitto_passwd failed for {user}: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
            }
        }
    }

    /// <summary>
    /// Started as root, Mosquitto drops to its own user before it reads its password and ACL files, and a
    /// temp folder is private to its creator.
    /// </summary>
    internal static void MakeReadableByBroker(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(directory, readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            File.SetUnixFileMode(file, readable);
        }
    }
}
