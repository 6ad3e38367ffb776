namespace Edge.Cloud.Tests.Support;

using Edge.TestSupport;
using Xunit;

/// <summary>One cloud shared by a test class; its tests use their own group and device names.</summary>
public sealed class CloudFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private CloudHost? _host;

    internal CloudHost Host => _host ?? throw new InvalidOperationException("the fixture is not initialised");

    public async ValueTask InitializeAsync() => _host = await CloudHost.StartAsync(_folder.Path);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _folder.Dispose();
    }
}
