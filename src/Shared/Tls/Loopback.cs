namespace Edge.Shared.Tls;

using System.Net;

/// <summary>
/// What counts as "this machine only" when deciding whether plain text is allowed: <c>localhost</c> and loopback
/// addresses. Anything else (a wildcard such as 0.0.0.0, <c>*</c> or <c>+</c>, a routable address, any other host name)
/// may carry traffic across a network.
/// </summary>
public static class Loopback
{
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>
    /// Scheme and host of a Kestrel listen URL (<c>http://*:5000</c>, <c>https://[::1]:5001</c>), which
    /// <see cref="Uri"/> cannot parse when the host is a wildcard. Null when it is not scheme://host[:port][/path].
    /// </summary>
    public static (string Scheme, string Host)? ParseListenUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var separator = url.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return null;
        }

        var scheme = url[..separator].ToLowerInvariant();
        var authority = url[(separator + 3)..];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        authority = slash >= 0 ? authority[..slash] : authority;
        string host;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? authority[..(close + 1)] : "";
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
        }

        return host.Length == 0 ? null : (scheme, host);
    }
}
