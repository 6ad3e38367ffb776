namespace Edge.Agent.Tests.Serving;

using Edge.Agent.Tests.Support;
using Edge.Inference;
using Edge.TestSupport;
using Xunit;

public sealed class ModelStartupTests
{
    [Fact]
    public async Task A_missing_model_stops_the_agent_at_start_with_the_reason()
    {
        await using var agent = TestAgentHost.Create(new TestAgentOptions
        {
            Settings = new Dictionary<string, string?> { ["Inference:Manifest"] = "/nonexistent/model.manifest.json" },
        });

        var e = await Assert.ThrowsAsync<ModelLoadException>(() => agent.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("/nonexistent/model.manifest.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unavailable_execution_providers_fall_back_to_cpu_at_start()
    {
        await using var agent = await TestAgentHost.StartAsync($"http://127.0.0.1:{FreePort.Next()}", new Dictionary<string, string?>
        {
            ["Inference:ExecutionProviders:0"] = "XNNPACK",
            ["Inference:ExecutionProviders:1"] = "CPU",
            ["Inference:ProviderOptions:XNNPACK:intra_op_num_threads"] = "2",
        });

        Assert.Equal("CPU", agent.Service<Edge.Agent.Serving.IModelInfo>().ExecutionProvider);
    }
}
