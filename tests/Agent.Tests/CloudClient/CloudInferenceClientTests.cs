namespace Edge.Agent.Tests.CloudClient;

using Edge.Agent.CloudClient;
using Edge.Agent.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

/// <summary>The cloud client's pipeline against a real HTTP server, with fake time for Retry-After.</summary>
public sealed class CloudInferenceClientTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CloudCallContext Fallback = new(CloudCallContext.Fallback, "3", 0.4);

    [Fact]
    public async Task Retry_After_in_seconds_is_honoured_until_it_passes()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.TooManyRequests("30");
        var time = new FakeTimeProvider(Start);
        using var host = BuildClientHost(cloud.BaseUrl, time);
        var client = host.Services.GetRequiredService<CloudInferenceClient>();

        Assert.Equal(CloudFailure.Throttled, (await InferAsync(client)).Failure);
        cloud.Behaviour = FakeCloud.Answer("5");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CloudFailure.Throttled, (await InferAsync(client)).Failure);
        Assert.Equal(1, cloud.Requests);

        time.Advance(TimeSpan.FromSeconds(1));
        var answered = await InferAsync(client);

        Assert.Equal("5", answered.Answer?.Label);
        Assert.Equal(2, cloud.Requests);
    }

    [Fact]
    public async Task Retry_After_as_an_http_date_is_honoured_until_that_date()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.TooManyRequests(Start.AddMinutes(2).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        var time = new FakeTimeProvider(Start);
        using var host = BuildClientHost(cloud.BaseUrl, time);
        var client = host.Services.GetRequiredService<CloudInferenceClient>();

        Assert.Equal(CloudFailure.Throttled, (await InferAsync(client)).Failure);
        cloud.Behaviour = FakeCloud.Answer("5");
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(CloudFailure.Throttled, (await InferAsync(client)).Failure);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("5", (await InferAsync(client)).Answer?.Label);
        Assert.Equal(2, cloud.Requests);
    }

    [Fact]
    public async Task A_429_is_not_retried()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.TooManyRequests("1");
        using var host = BuildClientHost(cloud.BaseUrl, new FakeTimeProvider(Start));

        await InferAsync(host.Services.GetRequiredService<CloudInferenceClient>());

        Assert.Equal(1, cloud.Requests);
    }

    [Fact]
    public async Task A_garbled_answer_is_a_failure_not_an_exception()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = (context, token) => context.Response.WriteAsync("{\"label\": 5", token);
        using var host = BuildClientHost(cloud.BaseUrl, TimeProvider.System);

        Assert.Equal(CloudFailure.BadResponse, (await InferAsync(host.Services.GetRequiredService<CloudInferenceClient>())).Failure);
    }

    private static Task<CloudResult> InferAsync(CloudInferenceClient client) =>
        client.InferAsync("{\"shape\":[8,8],\"data\":[]}"u8.ToArray(), "application/json", Fallback, TestContext.Current.CancellationToken);

    private static IHost BuildClientHost(string baseUrl, TimeProvider time) => TestAgentHost.CloudClientOnly(baseUrl, time);
}
