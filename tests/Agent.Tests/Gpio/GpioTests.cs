namespace Edge.Agent.Tests.Gpio;

using System.Device.Gpio;
using Edge.Agent.Gpio;
using Edge.Agent.Hosting.Readiness;
using Edge.Agent.Sources;
using Edge.Agent.Tests.Support;
using Xunit;

public sealed class GpioTests
{
    private const int Trigger = 17;
    private const int Led = 27;
    private const int Reject = 22;

    private static async Task<(TestAgentHost Agent, string Label)> StartLineAsync(Action<SimulatedGpioDriver>? prepare, CancellationToken ct)
    {
        var (png, label) = Requests.DigitPng();
        var frame = Path.Combine(Directory.CreateTempSubdirectory("edge-frame-").FullName, "camera.png");
        await File.WriteAllBytesAsync(frame, png, ct);
        var agent = await TestAgentHost.StartAsync(
            new TestAgentOptions
            {
                Threshold = 0,
                Settings = new Dictionary<string, string?>
                {
                    ["Gpio:Enabled"] = "true",
                    ["Gpio:Driver"] = "sim",
                    ["Gpio:TriggerPin"] = "17",
                    ["Gpio:TriggerEdge"] = "Rising",
                    ["Gpio:LedPin"] = "27",
                    ["Gpio:ActuatorPin"] = "22",
                    ["Gpio:ActuatorPulse"] = "00:00:00.100",
                    ["Gpio:ActuatorLabels:0"] = label,
                    // The "camera" copies a held-out digit's picture: a real process, as libcamera-still would be.
                    ["Sources:Camera:Command"] = "/bin/cp",
                    ["Sources:Camera:Arguments:0"] = frame,
                    ["Sources:Camera:Arguments:1"] = "{output}",
                },
                BeforeStart = a => prepare?.Invoke(a.Service<SimulatedGpioDriver>()),
            },
            ct);
        return (agent, label);
    }

    [Fact]
    public async Task A_trigger_edge_captures_answers_and_pulses_the_actuator_for_a_reject_label()
    {
        var ct = TestContext.Current.CancellationToken;
        var (agent, label) = await StartLineAsync(null, ct);
        await using var _ = agent;
        var pins = agent.Service<SimulatedGpioDriver>();

        pins.SetInput(Trigger, PinValue.High);
        var outcome = await agent.Service<SourceEvents>().WaitForAsync(o => o.Source == "gpio:trigger", ct);

        Assert.Null(outcome.Error);
        Assert.Equal(label, outcome.Answer!.Label);
        await pins.WaitForAsync(Reject, PinValue.High, ct);
        await pins.WaitForAsync(Reject, PinValue.Low, ct);
    }

    [Fact]
    public async Task A_pin_another_process_holds_is_a_fault_naming_the_pin_and_the_agent_keeps_serving()
    {
        var ct = TestContext.Current.CancellationToken;
        var (agent, _) = await StartLineAsync(p => p.BusyPins.Add(Led), ct);
        await using var _ = agent;

        var status = await agent.DeviceStatusAsync(ct);

        var gpio = Assert.Single(status.Components, c => c.Component == GpioService.Component);
        Assert.Equal(ComponentState.Fault, gpio.State);
        Assert.Contains("LED pin 27", gpio.Reason, StringComparison.Ordinal);
        Assert.Contains("busy", gpio.Reason, StringComparison.Ordinal);
        Assert.True((await agent.Http.GetAsync("/healthz", ct)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_status_led_blinks_fast_while_an_update_runs_and_shows_online_steadily()
    {
        var ct = TestContext.Current.CancellationToken;
        var (agent, _) = await StartLineAsync(null, ct);
        await using var _ = agent;
        var pins = agent.Service<SimulatedGpioDriver>();
        await pins.WaitForAsync(Led, PinValue.High, ct);

        using (agent.Service<IUpdateActivity>().Begin("model digits-edge 2.0.0"))
        {
            Assert.Equal(DeviceState.Updating, (await agent.DeviceStatusAsync(ct)).State);
            // 4 Hz: off and on again within a second, where "online" never turns off.
            await pins.WaitForAsync(Led, PinValue.Low, ct);
            await pins.WaitForAsync(Led, PinValue.High, ct);
        }

        Assert.Equal(DeviceState.Online, (await agent.DeviceStatusAsync(ct)).State);
    }
}
