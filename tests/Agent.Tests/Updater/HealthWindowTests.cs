namespace Edge.Agent.Tests.Updater;

using Edge.Agent.Serving;
using Edge.Agent.Tests.Support;
using Edge.Agent.Updater;
using Edge.Shared.Updates;
using Edge.Updates;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

public sealed class HealthWindowTests : UpdateTestBase
{
    [Fact]
    public async Task A_model_breaking_the_latency_bound_after_the_swap_is_rolled_back_and_never_retried()
    {
        using var deadline = UpdateEndToEndTests.Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);
        await using var agent = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey], new Dictionary<string, string?>
        {
            ["Updates:HealthWindow"] = "00:01:00",
            ["Updates:HealthMinRequests"] = "5",
            ["Updates:MaxLatencyP99Ms"] = "0.000001",
        }), ct);
        var package = TestPackages.Build(TestPackages.DigitsV2(), Key);
        cloud.Add(package);
        await cloud.PublishDesiredAsync(package.Package, ct);
        await cloud.WaitForStateOfferingAgainAsync(UpdateState.HealthCheck, TestPackages.V2, package.Package, ct);

        // Traffic the window can judge; every answer is still given, by whichever model serves.
        for (var i = 0; agent.Reporter.Latest?.State != UpdateState.RolledBack; i++)
        {
            await agent.InferAsync(i);
            ct.ThrowIfCancellationRequested();
        }

        var rolledBack = await cloud.WaitForStateAsync(UpdateState.RolledBack, TestPackages.V2, ct);
        Assert.Equal((UpdateFailure.HealthWindow, TestPackages.Factory), (rolledBack.Failure, rolledBack.RunningVersion));
        Assert.Contains("p99", rolledBack.Detail, StringComparison.Ordinal);
        Assert.Equal(TestPackages.Factory, (await agent.InferAsync()).ModelVersion);
        Assert.False(File.Exists(Path.Combine(State.FullName, "models", "current.json")));

        var requested = cloud.Requested.Count;
        await cloud.PublishDesiredAsync(package.Package, ct);
        await cloud.WaitForStatusAsync(s => s.State == UpdateState.Failed && s.Failure == UpdateFailure.HealthWindow, ct);
        Assert.Equal(requested, cloud.Requested.Count);
    }

    [Fact]
    public async Task The_window_passes_once_it_has_elapsed_with_enough_healthy_runs()
    {
        var time = new FakeTimeProvider();
        var window = new HealthWindow(Options.Create(new UpdaterOptions { HealthWindow = TimeSpan.FromSeconds(60), HealthMinRequests = 3 }), time);
        var (next, previous) = (new LocalRunStats(), new LocalRunStats());
        var watching = window.WatchAsync(next, previous, TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromSeconds(61));
        await Task.Yield();
        Assert.False(watching.IsCompleted, "judged without enough runs");
        for (var i = 0; i < 3; i++)
        {
            next.RecordRun(TimeSpan.FromMilliseconds(1));
        }

        while (!watching.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.Null(await watching);
    }

    [Fact]
    public void Errors_over_the_allowed_rate_break_the_window()
    {
        var o = new UpdaterOptions { HealthMinRequests = 10, MaxErrorRate = 0.05 };
        var next = new LocalRunStats();
        for (var i = 0; i < 9; i++)
        {
            next.RecordRun(TimeSpan.FromMilliseconds(1));
        }

        next.RecordError();

        Assert.Contains("error rate", HealthWindow.Judge(next, new LocalRunStats(), o), StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_is_judged_against_the_previous_model_with_a_floor()
    {
        var o = new UpdaterOptions { HealthMinRequests = 10, MaxLatencyRatio = 3, MaxLatencyP99Ms = 1 };
        var (previous, next) = (Runs(0.1), Runs(0.5));

        // 3 × 0.1 ms is under the 1 ms floor: jitter on a tiny model is not a reason to roll back.
        Assert.Null(HealthWindow.Judge(next, previous, o));
        Assert.Contains("p99", HealthWindow.Judge(Runs(4), Runs(1), o), StringComparison.Ordinal);
        Assert.Null(HealthWindow.Judge(Runs(2.9), Runs(1), o));
    }

    private static LocalRunStats Runs(double ms)
    {
        var stats = new LocalRunStats();
        for (var i = 0; i < 20; i++)
        {
            stats.RecordRun(TimeSpan.FromMilliseconds(ms));
        }

        return stats;
    }
}
