namespace Edge.TestSupport.Mosquitto;

using Xunit;

/// <summary>
/// One broker shared by a test class (<c>IClassFixture&lt;MosquittoFixture&gt;</c>). Retained messages
/// outlive a test, so tests sharing it must use their own topics (their own device id and group, and no
/// fleet topic); tests that stop the broker or publish fleet-wide start their own <see cref="MosquittoBroker"/>.
/// </summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    private MosquittoBroker? _broker;

    public MosquittoBroker Broker => _broker ?? throw new InvalidOperationException("the fixture is not initialised");

    public async ValueTask InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
