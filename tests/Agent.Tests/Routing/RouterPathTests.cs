namespace Edge.Agent.Tests.Routing;

using System.Text.Json;
using Edge.Agent.Routing;
using Edge.Agent.Tests.Support;
using Edge.Inference;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

/// <summary>The per-request decision through the real agent, with a real HTTP server on loopback as the cloud.</summary>
public sealed class RouterPathTests
{
    private const int Samples = 12;

    [Fact]
    public async Task Threshold_zero_answers_every_request_locally()
    {
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "0" });
        for (var i = 0; i < Samples; i++)
        {
            var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(i));
            Assert.Equal(Decision.Local, answer.Decision);
            Assert.Equal(answer.LocalLabel, answer.Label);
            Assert.Null(answer.CloudLabel);
            Assert.Equal(0, answer.Threshold);
        }

        Assert.Equal(0, cloud.Requests);
    }

    [Fact]
    public async Task Threshold_above_one_sends_every_request_to_the_cloud_and_answers_with_its_label()
    {
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "1.5" });
        for (var i = 0; i < Samples; i++)
        {
            var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(i));
            Assert.Equal(Decision.Cloud, answer.Decision);
            Assert.Equal("7", answer.Label);
            Assert.Equal("7", answer.CloudLabel);
            Assert.Equal(LocalLabel(agent, HeldOut.Digits[i].Pixels), answer.LocalLabel);
        }

        Assert.Equal(Samples, cloud.Requests);
        Assert.All(cloud.Purposes, p => Assert.Equal("fallback", p));
        Assert.All(cloud.ContentTypes, t => Assert.StartsWith("application/json", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cloud_client_failure_of_an_unexpected_kind_degrades_instead_of_failing_the_request()
    {
        // HttpClient throws NotSupportedException for this scheme: no cloud problem the client knows about.
        await using var agent = await TestAgentHost.StartAsync(
            "ftp://127.0.0.1:1", new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "1.5" });
        var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(0));
        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.Equal(answer.LocalLabel, answer.Label);
        Assert.NotNull(answer.DegradedReason);
    }

    [Fact]
    public async Task Confident_answers_stay_local_and_unsure_ones_go_to_the_cloud()
    {
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "0.9" });
        var answers = new List<InferenceAnswer>();
        for (var i = 0; i < 60; i++)
        {
            answers.Add(await agent.Http.InferAsync(Requests.HeldOutTensor(i)));
        }

        Assert.All(answers, a => Assert.Equal(a.Score >= 0.9 ? Decision.Local : Decision.Cloud, a.Decision));
        Assert.Contains(answers, a => a.Decision == Decision.Local);
        Assert.Equal(answers.Count(a => a.Decision == Decision.Cloud), cloud.Requests);
    }

    [Fact]
    public async Task A_failing_cloud_gives_the_local_label_as_LocalDegraded_after_its_retries()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Status(503);
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Cloud:MaxRetries"] = "2",
            ["Cloud:RetryBaseDelay"] = "00:00:00.001",
        });

        var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(0));

        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.Equal("cloud-error", answer.DegradedReason);
        Assert.Equal(answer.LocalLabel, answer.Label);
        Assert.Equal(3, cloud.Requests);
    }

    [Fact]
    public async Task A_client_error_from_the_cloud_is_not_retried()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Status(400);
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "1.5" });

        var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(0));

        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.Equal("cloud-rejected", answer.DegradedReason);
        Assert.Equal(1, cloud.Requests);
    }

    [Fact]
    public async Task A_cloud_slower_than_the_deadline_gives_LocalDegraded()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Hang();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Cloud:Deadline"] = "00:00:00.300",
            ["Cloud:AttemptTimeout"] = "00:00:00.100",
            ["Cloud:RetryBaseDelay"] = "00:00:00.001",
        });

        var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(0));

        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.Equal("cloud-deadline", answer.DegradedReason);
        Assert.Equal(answer.LocalLabel, answer.Label);
    }

    [Fact]
    public async Task An_unreachable_cloud_gives_LocalDegraded()
    {
        await using var agent = await TestAgentHost.StartAsync($"http://127.0.0.1:{FreePort.Next()}", new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Cloud:RetryBaseDelay"] = "00:00:00.001",
        });

        var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(0));

        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.Equal("cloud-unreachable", answer.DegradedReason);
    }

    [Fact]
    public async Task The_breaker_opens_after_repeated_failures_and_stops_calling_the_cloud()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Status(500);
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Cloud:MaxRetries"] = "0",
            ["Cloud:BreakerMinimumThroughput"] = "3",
            ["Cloud:BreakerFailureRatio"] = "0.5",
            ["Cloud:BreakerBreakDuration"] = "00:10:00",
        });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("cloud-error", (await agent.Http.InferAsync(Requests.HeldOutTensor(i))).DegradedReason);
        }

        cloud.Behaviour = FakeCloud.Answer("7");
        var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(3));

        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.Equal("cloud-circuit-open", answer.DegradedReason);
        Assert.Equal(3, cloud.Requests);
        var metrics = await agent.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("edge_agent_cloud_circuit_state{state=\"open\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_agent_degraded_total{reason=\"cloud-circuit-open\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_stops_cloud_calls_until_its_Retry_After_passes()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.TooManyRequests("3600");
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "1.5" });

        var first = await agent.Http.InferAsync(Requests.HeldOutTensor(0));
        cloud.Behaviour = FakeCloud.Answer("7");
        var second = await agent.Http.InferAsync(Requests.HeldOutTensor(1));

        Assert.Equal("cloud-throttled", first.DegradedReason);
        Assert.Equal(Decision.LocalDegraded, second.Decision);
        Assert.Equal("cloud-throttled", second.DegradedReason);
        Assert.Equal(1, cloud.Requests);
    }

    [Fact]
    public async Task Images_are_classified_locally_and_forwarded_to_the_cloud_as_sent()
    {
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "1.5" });
        var sample = HeldOut.Digits[0];

        var answer = await agent.Http.InferAsync(Requests.Bytes(TestImages.DigitPng(sample.Pixels, block: 8), "image/png"));

        Assert.Equal(Decision.Cloud, answer.Decision);
        Assert.Equal(LocalLabel(agent, sample.Pixels), answer.LocalLabel);
        Assert.Equal("image/png", Assert.Single(cloud.ContentTypes));
    }

    [Fact]
    public async Task A_local_answer_from_a_json_body_allocates_nothing_but_the_answer()
    {
        Assert.SkipUnless(Build.IsOptimized, "allocation checks need a Release build (./test.sh)");
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "0" });
        var router = agent.Service<InferenceRouter>();
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new TensorPayload { Shape = [1, 1, 8, 8], Data = HeldOut.Digits[0].Pixels }, EdgeJsonContext.Default.TensorPayload);
        var request = new InferenceRequest(body, ContentTypes.Json, InferBodyFormat.TensorJson);

        AnswerSynchronously(router, request);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            AnswerSynchronously(router, request);
        }

        // The answer the caller gets serialized: the object (96 bytes on a 64-bit runtime) and its top-3 array
        // (24 + 3 × 16 bytes); anything more is a regression.
        Assert.InRange((GC.GetAllocatedBytesForCurrentThread() - before) / 100.0, 1, 192);
    }

    private static InferenceAnswer AnswerSynchronously(InferenceRouter router, InferenceRequest request)
    {
        var pending = router.InferAsync(request, CancellationToken.None);
        return pending.IsCompletedSuccessfully
            ? pending.Result
            : throw new InvalidOperationException("a Local answer must complete without waiting");
    }

    /// <summary>What the agent's model says on its own, straight through the runtime.</summary>
    private static string LocalLabel(TestAgentHost agent, float[] pixels)
    {
        var model = agent.Service<Edge.Agent.Serving.LocalModel>().Model;
        using var slot = model.Rent();
        model.Preprocessor.FromTensor([8, 8], pixels, slot.Input);
        slot.Run();
        return model.Label(slot.Score(Edge.Shared.Config.ScoreFunction.MaxProbability).ClassIndex);
    }
}
