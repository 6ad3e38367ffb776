namespace Edge.Agent.Tests.Updater;

using Edge.Agent.Tests.Support;
using Edge.Agent.Updater;
using Microsoft.Extensions.Options;
using Xunit;

public sealed class UpdaterOptionsTests
{
    [Fact]
    public async Task A_trusted_key_that_is_not_an_ed25519_public_key_stops_the_agent_at_start_naming_it()
    {
        await using var agent = TestAgentHost.Create(new TestAgentOptions { TrustedKeys = [Convert.ToBase64String(new byte[32]), "bm90IGEga2V5"] });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => agent.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("TrustedKeys[1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_device_class_names_the_os_and_architecture()
    {
        var deviceClass = new UpdaterOptions().ResolveDeviceClass();

        Assert.Matches("^(linux|win|osx)-(x64|arm64|arm|x86)$", deviceClass);
        Assert.Equal("jetson-orin", new UpdaterOptions { DeviceClass = "jetson-orin" }.ResolveDeviceClass());
    }
}
