namespace Edge.Agent.Tests.Outbox;

using Edge.Agent.Hosting;
using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Agent.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

public sealed class OutboxDrainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-outbox-drain-").FullName;

    [Fact]
    public async Task Entries_past_their_ttl_are_dropped_and_counted_while_the_cloud_cannot_take_them()
    {
        // The fake cloud has no /v1/hard-examples (404): every upload fails and the drain backs off on the fake clock.
        await using var cloud = await FakeCloud.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
        var metrics = new AgentMetrics();
        using var store = new OutboxStore(Path.Combine(_dir, "outbox.db"), 100, 1 << 20, metrics);
        store.Add([.. Enumerable.Range(0, 5).Select(i => OutboxStoreTests.Entry(OutboxKind.HardExample, 0, at: time.GetUtcNow()))]);
        var options = new OutboxOptions { Ttl = TimeSpan.FromHours(1), RetryMinDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromMinutes(1) };
        await using var services = new ServiceCollection()
            .AddHttpClient(HardExampleUploader.ClientName, c => c.BaseAddress = new Uri(cloud.BaseUrl + "/")).Services
            .BuildServiceProvider();
        var uploader = new HardExampleUploader(services.GetRequiredService<IHttpClientFactory>(), Options.Create(new AgentOptions()), NullLogger<HardExampleUploader>.Instance);
        using var drain = new OutboxDrain(store, new OutboxSignal(), uploader, metrics, time, Options.Create(options), NullLogger<OutboxDrain>.Instance);
        await drain.StartAsync(TestContext.Current.CancellationToken);

        // Within the TTL: attempts fail, nothing is dropped.
        await AdvanceUntilAsync(time, () => metrics.OutboxUploadFailures.Value >= 3 && time.GetUtcNow() >= Start(time) + TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(30));
        Assert.True(time.GetUtcNow() < Start(time) + options.Ttl);
        Assert.Equal(5, store.Count);

        await AdvanceUntilAsync(time, () => store.Count == 0, TimeSpan.FromMinutes(1));

        await drain.StopAsync(TestContext.Current.CancellationToken);
        var drops = metrics.OutboxDropped.ToDictionary(d => d.Key, d => d.Value.Value);
        Assert.Equal(5, drops[("expired", "hard_example")]);
        Assert.Equal(0, metrics.OutboxUploaded.Value);
        Assert.Equal(0, metrics.OutboxEntries.Value);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DateTimeOffset Start(FakeTimeProvider time) => time.Start;

    /// <summary>Moves the fake clock in steps, giving the drain's loop real time to react, until the condition holds (10 s at most).</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, TimeSpan step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            time.Advance(step);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
