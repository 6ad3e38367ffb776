namespace Edge.Agent.Tests.CloudClient;

using Edge.Agent.CloudClient;
using Edge.Agent.Tests.Support;
using Edge.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

/// <summary>
/// What a device's journal gets while the cloud is down: one line per breaker state change, never a stack
/// trace per failed request (Polly and HttpClient would otherwise log each attempt with its exception).
/// </summary>
public sealed class CloudOutageLoggingTests
{
    private const int OpenedEvent = 3010;
    private const int ClosedEvent = 3011;
    private const int HalfOpenEvent = 3012;
    private static readonly CloudCallContext Fallback = new(CloudCallContext.Fallback, "3", 0.4);

    [Fact]
    public async Task An_unreachable_cloud_logs_one_line_when_the_circuit_opens_and_no_stack_traces()
    {
        var log = new FakeLogCollector();
        using var host = BuildClientHost($"http://127.0.0.1:{FreePort.Next()}", TimeProvider.System, log);
        var client = host.Services.GetRequiredService<CloudInferenceClient>();

        var failures = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            failures.Add((await InferAsync(client)).Failure);
        }

        var entries = log.GetSnapshot();
        Assert.All(failures, f => Assert.Contains(f, new[] { CloudFailure.Unreachable, CloudFailure.CircuitOpen }));
        Assert.Contains(CloudFailure.CircuitOpen, failures);
        Assert.Single(entries, e => e.Id.Id == OpenedEvent);
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning && e.Exception is not null);
        Assert.DoesNotContain(entries, e => e.Category?.StartsWith("Polly", StringComparison.Ordinal) is true && e.Level > LogLevel.Debug);
        Assert.DoesNotContain(entries, e => e.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) is true);

        // Polly still reports every attempt, only at Debug: the downgrade matched the cloud pipeline's name.
        Assert.Contains(entries, e => e.Category?.StartsWith("Polly", StringComparison.Ordinal) is true && e.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task The_circuit_logs_opened_half_open_and_closed_once_each_as_the_cloud_comes_back()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Status(503);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var log = new FakeLogCollector();
        using var host = BuildClientHost(cloud.BaseUrl, time, log);
        var client = host.Services.GetRequiredService<CloudInferenceClient>();

        CloudResult result;
        do
        {
            result = await InferAsync(client);
        }
        while (result.Failure != CloudFailure.CircuitOpen && cloud.Requests < 100);

        cloud.Behaviour = FakeCloud.Answer("4");
        time.Advance(TimeSpan.FromMinutes(10));
        var recovered = await InferAsync(client);

        Assert.Equal(CloudFailure.CircuitOpen, result.Failure);
        Assert.Equal("4", recovered.Answer?.Label);
        Assert.Equal(
            [OpenedEvent, HalfOpenEvent, ClosedEvent],
            log.GetSnapshot().Where(e => e.Id.Id is OpenedEvent or HalfOpenEvent or ClosedEvent).Select(e => e.Id.Id));
    }

    private static Task<CloudResult> InferAsync(CloudInferenceClient client) =>
        client.InferAsync("{\"shape\":[8,8],\"data\":[]}"u8.ToArray(), "application/json", Fallback, TestContext.Current.CancellationToken);

    private static IHost BuildClientHost(string baseUrl, TimeProvider time, FakeLogCollector log) => TestAgentHost.CloudClientOnly(
        baseUrl,
        time,
        new Dictionary<string, string?>
        {
            ["Cloud:BreakerMinimumThroughput"] = "2",

            // Longer than any test: the breaker only half-opens when the fake clock says so.
            ["Cloud:BreakerBreakDuration"] = "00:10:00",
        },
        log);
}
