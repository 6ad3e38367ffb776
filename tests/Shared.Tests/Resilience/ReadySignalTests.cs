namespace Edge.Shared.Tests.Resilience;

using Edge.Shared.Resilience;
using Xunit;

public sealed class ReadySignalTests
{
    [Fact]
    public async Task A_waiter_is_released_by_set_and_later_waiters_pass_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var signal = new ReadySignal();
        var early = signal.WaitAsync(ct);
        Assert.False(early.IsCompleted);

        signal.Set();

        await early;
        Assert.True(signal.IsSet);
        Assert.True(signal.WaitAsync(ct).IsCompleted);
    }

    [Fact]
    public async Task Reset_makes_new_waiters_wait_for_the_next_set()
    {
        var ct = TestContext.Current.CancellationToken;
        var signal = new ReadySignal();
        signal.Set();

        signal.Reset();
        signal.Reset();
        var waiter = signal.WaitAsync(ct);

        Assert.False(signal.IsSet);
        Assert.False(waiter.IsCompleted);
        signal.Set();
        await waiter;
        Assert.True(signal.IsSet);
    }

    [Fact]
    public async Task Cancelling_a_wait_leaves_the_signal_alone()
    {
        var signal = new ReadySignal();
        using var cts = new CancellationTokenSource();
        var waiter = signal.WaitAsync(cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        signal.Set();
        await signal.WaitAsync(TestContext.Current.CancellationToken);
    }
}
