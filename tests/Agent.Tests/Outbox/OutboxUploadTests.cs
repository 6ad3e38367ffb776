namespace Edge.Agent.Tests.Outbox;

using System.Collections.Concurrent;
using Edge.Agent.Hosting;
using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Agent.Tests.Support;
using Edge.Shared.HardExamples;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

public sealed class OutboxUploadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-outbox-upload-").FullName;

    [Fact]
    public async Task A_lost_acknowledgement_is_retried_with_the_same_ids_and_a_refused_entry_does_not_block_the_rest()
    {
        // A cloud that stores the first good batch but loses its answer (500), refuses any batch holding a "bad"
        // entry (400), and otherwise acknowledges like the real one.
        var stored = new ConcurrentDictionary<Guid, int>();
        var uploads = new ConcurrentQueue<Guid[]>();
        var lostOne = 0;
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        await using var cloud = builder.Build();
        cloud.MapPost("/v1/hard-examples", async (HttpContext context) =>
        {
            var upload = (await context.Request.ReadFromJsonAsync(EdgeJsonContext.Default.HardExampleUpload, context.RequestAborted))!;
            uploads.Enqueue([.. upload.Items!.Select(i => i.Id)]);
            if (upload.Items!.Any(i => i.LocalLabel == "bad"))
            {
                return Results.BadRequest();
            }

            var accepted = upload.Items!.Where(i => stored.TryAdd(i.Id, 0)).Select(i => i.Id).ToArray();
            if (Interlocked.Exchange(ref lostOne, 1) == 0)
            {
                return Results.StatusCode(500);
            }

            return Results.Json(
                new HardExampleAck { Accepted = accepted, Duplicates = [.. upload.Items!.Select(i => i.Id).Except(accepted)] },
                EdgeJsonContext.Default.HardExampleAck);
        });
        await cloud.StartAsync(TestContext.Current.CancellationToken);

        var metrics = new AgentMetrics();
        using var store = new OutboxStore(Path.Combine(_dir, "outbox.db"), 100, 1 << 20, metrics);
        // Stamped by the clock the drain expires entries by (7-day TTL), so they are always fresh.
        var time = TimeProvider.System;
        var now = time.GetUtcNow();
        var good = Enumerable.Range(0, 6).Select(i => OutboxStoreTests.Entry(OutboxKind.HardExample, i, at: now)).ToArray();
        var bad = OutboxStoreTests.Entry(OutboxKind.HardExample, 9, at: now) with { LocalLabel = "bad" };
        store.Add([good[0], good[1], good[2]]);
        var options = new OutboxOptions { DrainBatchSize = 3, RetryMinDelay = TimeSpan.FromMilliseconds(10), RetryMaxDelay = TimeSpan.FromMilliseconds(50) };
        await using var services = new ServiceCollection()
            .AddHttpClient(HardExampleUploader.ClientName, c => c.BaseAddress = new Uri(url + "/")).Services
            .BuildServiceProvider();
        var uploader = new HardExampleUploader(services.GetRequiredService<IHttpClientFactory>(), Options.Create(new AgentOptions()), NullLogger<HardExampleUploader>.Instance);
        var signal = new OutboxSignal();
        using var drain = new OutboxDrain(store, signal, uploader, metrics, time, Options.Create(options), NullLogger<OutboxDrain>.Instance);
        await drain.StartAsync(TestContext.Current.CancellationToken);
        await Requests.EventuallyAsync(() => store.Count == 0, "the first batch acknowledged");
        store.Add([good[3], bad, good[4], good[5]]);
        signal.Set();

        await Requests.EventuallyAsync(() => store.Count == 0, "the outbox drained");
        await drain.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(good.Select(g => g.Id).Order(), stored.Keys.Order());
        var sent = uploads.ToArray();
        Assert.Equal(good[..3].Select(g => g.Id), sent[0]);
        Assert.Equal(sent[0], sent[1]);
        Assert.Contains(sent, batch => batch.Length == 1 && batch[0] == bad.Id);
        Assert.Equal(good.Length, metrics.OutboxUploaded.Value);
        Assert.Equal(1, metrics.OutboxDropped.Single(d => d.Key == ("rejected", "hard_example")).Value.Value);
    }

    [Fact]
    public async Task A_401_or_403_from_the_cloud_keeps_every_sample_and_delivers_it_once_the_credential_works()
    {
        // An auth proxy or a rotated secret: the first answers refuse the credential, then the cloud accepts.
        var calls = 0;
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        await using var cloud = builder.Build();
        cloud.MapPost("/v1/hard-examples", async (HttpContext context) =>
        {
            var upload = (await context.Request.ReadFromJsonAsync(EdgeJsonContext.Default.HardExampleUpload, context.RequestAborted))!;
            return Interlocked.Increment(ref calls) switch
            {
                1 or 2 => Results.StatusCode(StatusCodes.Status401Unauthorized),
                3 => Results.StatusCode(StatusCodes.Status403Forbidden),
                _ => Results.Json(new HardExampleAck { Accepted = [.. upload.Items!.Select(i => i.Id)], Duplicates = [] }, EdgeJsonContext.Default.HardExampleAck),
            };
        });
        await cloud.StartAsync(TestContext.Current.CancellationToken);
        var metrics = new AgentMetrics();
        using var store = new OutboxStore(Path.Combine(_dir, "outbox.db"), 100, 1 << 20, metrics);
        var now = TimeProvider.System.GetUtcNow();
        store.Add([.. Enumerable.Range(0, 4).Select(i => OutboxStoreTests.Entry(OutboxKind.HardExample, i, at: now))]);
        var options = new OutboxOptions { DrainBatchSize = 10, RetryMinDelay = TimeSpan.FromMilliseconds(10), RetryMaxDelay = TimeSpan.FromMilliseconds(50) };
        await using var services = new ServiceCollection()
            .AddHttpClient(HardExampleUploader.ClientName, c => c.BaseAddress = new Uri(url + "/")).Services
            .BuildServiceProvider();
        var uploader = new HardExampleUploader(services.GetRequiredService<IHttpClientFactory>(), Options.Create(new AgentOptions()), NullLogger<HardExampleUploader>.Instance);
        using var drain = new OutboxDrain(store, new OutboxSignal(), uploader, metrics, TimeProvider.System, Options.Create(options), NullLogger<OutboxDrain>.Instance);

        await drain.StartAsync(TestContext.Current.CancellationToken);
        await Requests.EventuallyAsync(() => store.Count == 0, "the outbox drained");
        await drain.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(4, metrics.OutboxUploaded.Value);
        Assert.All(metrics.OutboxDropped, d => Assert.Equal(0, d.Value.Value));
        Assert.True(calls >= 4);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
