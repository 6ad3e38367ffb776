namespace Edge.Agent.Tests.ConfigSync;

using Edge.Agent.ConfigSync;
using Edge.Agent.Routing;
using Edge.Shared.Config;
using Xunit;

public sealed class ConfigSyncEventsTests
{
    private static readonly RoutingSettings Settings = new(0.5, ConfigScope.Device, 0, ScoreFunction.MaxProbability);

    [Fact]
    public async Task A_waiter_completes_when_the_matching_outcome_is_published()
    {
        var events = new ConfigSyncEvents();
        var waiting = events.WaitForAppliedAsync(ConfigScope.Device, 3, TestContext.Current.CancellationToken);

        events.Publish(new ConfigSyncOutcome(ConfigScope.Device, ConfigOutcomeKind.Applied, 2, Settings, null));
        Assert.False(waiting.IsCompleted);
        events.Publish(new ConfigSyncOutcome(ConfigScope.Device, ConfigOutcomeKind.Applied, 3, Settings, null));

        Assert.Equal(3, (await waiting).Version);
    }

    [Fact]
    public async Task A_waiter_that_starts_late_still_sees_a_recent_outcome()
    {
        var events = new ConfigSyncEvents();
        events.Publish(new ConfigSyncOutcome(ConfigScope.Group, ConfigOutcomeKind.Refused, 8, Settings, "bad"));

        var outcome = await events.WaitForAsync(ConfigScope.Group, ConfigOutcomeKind.Refused, 8, TestContext.Current.CancellationToken);

        Assert.Equal("bad", outcome.Reason);
    }

    [Fact]
    public async Task A_cancelled_waiter_throws_and_a_live_waiter_beside_it_still_completes()
    {
        var events = new ConfigSyncEvents();
        using var cts = new CancellationTokenSource();
        var cancelled = events.WaitForAppliedAsync(ConfigScope.Fleet, 1, cts.Token);
        var live = events.WaitForAppliedAsync(ConfigScope.Fleet, 1, TestContext.Current.CancellationToken);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        events.Publish(new ConfigSyncOutcome(ConfigScope.Fleet, ConfigOutcomeKind.Applied, 1, Settings, null));

        Assert.Equal(1, (await live).Version);
    }
}
