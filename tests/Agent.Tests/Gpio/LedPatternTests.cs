namespace Edge.Agent.Tests.Gpio;

using Edge.Agent.Gpio;
using Edge.Agent.Hosting.Readiness;
using Xunit;

public sealed class LedPatternTests
{
    [Fact]
    public void Every_state_has_its_own_pattern_and_only_online_is_steady()
    {
        var states = Enum.GetValues<DeviceState>();
        var patterns = states.Select(s => string.Concat(LedPattern.Of(s).Select(on => on ? '1' : '0'))).ToList();

        Assert.Equal(states.Length, patterns.Distinct().Count());
        Assert.Equal("11111111", patterns[(int)DeviceState.Online]);
        Assert.All(states.Where(s => s != DeviceState.Online), s => Assert.Contains(false, LedPattern.Of(s)));
    }

    [Fact]
    public void A_fault_outranks_an_update_which_outranks_a_degraded_component()
    {
        var health = new DeviceHealth(TimeProvider.System);
        var updates = new UpdateActivity();
        var state = new DeviceStateSource(health, updates, new Edge.Agent.CloudClient.CloudCircuit(Microsoft.Extensions.Logging.Abstractions.NullLogger<Edge.Agent.CloudClient.CloudCircuit>.Instance));

        health.Report("camera", ComponentState.Degraded, "no frame");
        Assert.Equal(DeviceState.Degraded, state.Current);
        using (updates.Begin("model"))
        {
            Assert.Equal(DeviceState.Updating, state.Current);
            health.Report("gpio", ComponentState.Fault, "pin busy");
            Assert.Equal(DeviceState.Fault, state.Current);
        }
    }
}
