namespace Edge.Agent.Hosting.Watchdog;

using System.Net.Sockets;
using System.Text;

/// <summary>
/// Sends sd_notify datagrams (<c>WATCHDOG=1</c>, <c>STATUS=…</c>). Not the host's <c>ISystemdNotifier</c>: that one is
/// registered only when the parent process is systemd and always reads the process-wide <c>$NOTIFY_SOCKET</c>,
/// so it cannot be pointed at a test's socket; the wire format is the same one datagram per message.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _endpoint;

    public NotifySocket(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // '@' marks a Linux abstract socket; its address starts with a NUL byte.
        _endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
    }

    public void Send(string message) => _socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, _endpoint);

    public void Dispose() => _socket.Dispose();
}
