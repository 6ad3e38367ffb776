namespace Edge.Agent.Tests.Support;

using System.Collections.Concurrent;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// A real HTTP server on loopback playing the cloud's <c>POST /v1/infer</c>: fault injection at the network
/// boundary (answers, 5xx, hangs past the deadline, 429 with Retry-After), switchable per test.
/// </summary>
internal sealed class FakeCloud : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private int _requests;

    private FakeCloud(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>What the next requests get; defaults to answering label "7".</summary>
    public Func<HttpContext, CancellationToken, Task> Behaviour { get; set; } = Answer("7");

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The <c>X-Edge-Purpose</c> header of every request received.</summary>
    public ConcurrentQueue<string> Purposes { get; } = new();

    public ConcurrentQueue<string> ContentTypes { get; } = new();

    /// <summary>The <c>X-Edge-Sample-Id</c> header of every request that carried one.</summary>
    public ConcurrentQueue<string> SampleIds { get; } = new();

    public static async Task<FakeCloud> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var cloud = new FakeCloud(app, url);
        app.MapPost("/v1/infer", async (HttpContext context) =>
        {
            Interlocked.Increment(ref cloud._requests);
            cloud.Purposes.Enqueue(context.Request.Headers["X-Edge-Purpose"].ToString());
            cloud.ContentTypes.Enqueue(context.Request.ContentType ?? string.Empty);
            if (context.Request.Headers["X-Edge-Sample-Id"].ToString() is { Length: > 0 } sampleId)
            {
                cloud.SampleIds.Enqueue(sampleId);
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, cloud._stopping.Token);
            await cloud.Behaviour(context, linked.Token);
        });
        await app.StartAsync();
        return cloud;
    }

    public static Func<HttpContext, CancellationToken, Task> Answer(string label) => (context, token) =>
        context.Response.WriteAsJsonAsync(
            new CloudAnswer { Label = label, ClassIndex = int.Parse(label, System.Globalization.CultureInfo.InvariantCulture), Score = 0.99, Model = "fake-cloud@1", LatencyMs = 1 },
            EdgeJsonContext.Default.CloudAnswer,
            cancellationToken: token);

    public static Func<HttpContext, CancellationToken, Task> Status(int status) => (context, _) =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    /// <summary>Never answers; the request ends when the client gives up (or the fake stops).</summary>
    public static Func<HttpContext, CancellationToken, Task> Hang() => async (_, token) =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, token);
        }
        catch (OperationCanceledException)
        {
        }
    };

    public static Func<HttpContext, CancellationToken, Task> TooManyRequests(string retryAfter) => (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter;
        return Task.CompletedTask;
    };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
