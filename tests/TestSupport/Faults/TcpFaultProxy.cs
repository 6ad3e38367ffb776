namespace Edge.TestSupport.Faults;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// A loopback TCP proxy between a client and <c>127.0.0.1:targetPort</c> whose <see cref="FaultMode"/> can be switched
/// while traffic flows, to play cloud or broker outages without touching either process.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();
    private TcpListener? _listener;
    private int _mode;
    private long _accepted;

    public TcpFaultProxy(int targetPort, FaultMode mode = FaultMode.Pass)
    {
        _targetPort = targetPort;
        Port = FreePort.Next();
        SetMode(mode);
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    public FaultMode Mode => (FaultMode)Volatile.Read(ref _mode);

    /// <summary>Added to every forwarded chunk in <see cref="FaultMode.Delay"/>.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Connections accepted since the start (a client retrying shows up here).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public void SetMode(FaultMode mode)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            Volatile.Write(ref _mode, (int)mode);
            if (mode is FaultMode.Reset or FaultMode.Drop)
            {
                foreach (var connection in _connections.Keys)
                {
                    connection.Reset();
                }
            }

            if (mode == FaultMode.Drop)
            {
                _listener?.Stop();
                _listener = null;
            }
            else if (_listener is null)
            {
                var listener = new TcpListener(IPAddress.Loopback, Port);
                listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Start();
                _listener = listener;
                _ = AcceptLoopAsync(listener);
            }

            // Wakes pumps held by a blackhole so they look at the new mode.
            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _disposed.Cancel();
            _listener?.Stop();
            _listener = null;
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }

        await Task.Yield();
        _disposed.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptSocketAsync(_disposed.Token);
                Interlocked.Increment(ref _accepted);
                _ = HandleAsync(client);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The listener was stopped (Drop or dispose).
        }
    }

    private async Task HandleAsync(Socket client)
    {
        using var connection = new Connection(client);
        _connections.TryAdd(connection, 0);
        try
        {
            if (Mode is FaultMode.Reset or FaultMode.Drop)
            {
                return;
            }

            await GateAsync(connection.Token);
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            connection.Upstream = upstream;
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), connection.Token);
            await Task.WhenAny(PumpAsync(client, upstream, connection.Token), PumpAsync(upstream, client, connection.Token));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The link failed or was cut on purpose; either way the connection ends here.
        }
        finally
        {
            connection.Reset();
            _connections.TryRemove(connection, out _);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    return;
                }

                await GateAsync(ct);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // Ends this direction; the caller closes both.
        }
    }

    /// <summary>Holds data while blackholed, delays it in <see cref="FaultMode.Delay"/>, and cuts the connection otherwise.</summary>
    private async Task GateAsync(CancellationToken ct)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            switch (Mode)
            {
                case FaultMode.Blackhole:
                    await changed.WaitAsync(ct);
                    continue;
                case FaultMode.Delay:
                    await Task.Delay(Delay, ct);
                    return;
                case FaultMode.Reset or FaultMode.Drop:
                    throw new OperationCanceledException("link cut");
                default:
                    return;
            }
        }
    }

    private sealed class Connection(Socket client) : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private int _reset;

        public CancellationToken Token => _cts.Token;

        public Socket? Upstream { get; set; }

        /// <summary>Closes both sides with an RST (linger 0), as a broken link looks to the peers.</summary>
        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 1)
            {
                return;
            }

            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished meanwhile.
            }

            Abort(client);
            if (Upstream is { } upstream)
            {
                Abort(upstream);
            }
        }

        public void Dispose() => _cts.Dispose();

        private static void Abort(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }
}
