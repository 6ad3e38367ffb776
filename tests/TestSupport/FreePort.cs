namespace Edge.TestSupport;

using System.Net;
using System.Net.Sockets;

public static class FreePort
{
    private const int First = 20000;
    private const int Count = 12000;

    // Each process starts somewhere else in the range, so test processes side by side rarely try the same ports.
    private static int _next = Environment.ProcessId * 7919 % Count;

    /// <summary>
    /// A loopback TCP port that was free a moment ago, below the kernel's ephemeral range (32768–60999 on Linux):
    /// a port from that range can be taken as the local end of any outgoing connection (an HTTP or MQTT client in the
    /// same test run) between this call and the listener's bind, which a loaded runner showed as "address in use".
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + ((Interlocked.Increment(ref _next) & int.MaxValue) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}–{First + Count - 1}");
    }
}
