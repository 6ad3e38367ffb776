namespace Edge.TestSupport.Mosquitto;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

/// <summary>
/// A real Mosquitto on a free loopback port, configured from a file in its own temp folder (by default
/// anonymous, no persistence, log on stdout). <see cref="StopAsync"/> kills it like a crash and
/// <see cref="StartAgainAsync"/> brings it back on the same port, for reconnect tests.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string Host = "127.0.0.1";

    public const string MissingMessage = "mosquitto not found: apt-get install -y mosquitto (the README's test prerequisites)";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(15);
    private static readonly string[] CandidateFolders = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/sbin", "/opt/homebrew/bin"];

    private readonly string _binary;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    private MosquittoBroker(string binary, string directory, int port)
    {
        _binary = binary;
        _directory = directory;
        Port = port;
        ConfigPath = Path.Combine(directory, "mosquitto.conf");
    }

    public int Port { get; }

    public string ConfigPath { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What the broker printed so far (for assertion messages).</summary>
    public string Log => string.Join(Environment.NewLine, _log);

    /// <summary>Starts an anonymous broker without persistence and returns once its port accepts connections.</summary>
    public static Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(folder => Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"""
            listener {folder.Port} {Host}
            allow_anonymous true
            persistence false
            set_tcp_nodelay true
            {MosquittoFiles.LogSettings}
            """)), cancellationToken);

    /// <summary>Starts a broker with its own configuration and returns once its port accepts connections.</summary>
    /// <param name="configure">
    /// Writes any files the broker needs into its folder and returns the whole configuration (listening on
    /// <see cref="Host"/> and the folder's port).
    /// </param>
    public static async Task<MosquittoBroker> StartAsync(Func<BrokerFolder, Task<string>> configure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var broker = new MosquittoBroker(FindBinary(), Directory.CreateTempSubdirectory("edge-mosquitto-").FullName, FreePort.Next());
        try
        {
            var config = await configure(new BrokerFolder(broker._directory, broker.Port));
            await File.WriteAllTextAsync(broker.ConfigPath, config, cancellationToken);
            MosquittoFiles.MakeReadableByBroker(broker._directory);
            await broker.StartAgainAsync(cancellationToken);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>The mosquitto binary (or another of the package's, e.g. <c>mosquitto_passwd</c>), or an exception saying how to install it.</summary>
    public static string FindBinary(string name = "mosquitto")
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var dir in CandidateFolders.Concat(path))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(MissingMessage);
    }

    /// <summary>Starts the broker (again) on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"mosquitto is already running on port {Port}");
        }

        _process?.Dispose();
        var start = new ProcessStartInfo(_binary)
        {
            ArgumentList = { "-c", ConfigPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilAcceptingAsync(process, cancellationToken);
    }

    /// <summary>Kills the broker (no goodbye to clients, like a crash or power cut) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(StartDeadline);
        await process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process?.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    private async Task WaitUntilAcceptingAsync(Process process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode} on port {Port}:{Environment.NewLine}{Log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(Host, Port, cancellationToken);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < StartDeadline)
            {
                // Not listening yet: poll with a deadline (there is no readiness event to wait on).
                await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"mosquitto did not accept on {Host}:{Port} within {StartDeadline}:{Environment.NewLine}{Log}", ex);
            }
        }
    }
}

