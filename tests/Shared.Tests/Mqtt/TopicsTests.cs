namespace Edge.Shared.Tests.Mqtt;

using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Xunit;

public sealed class TopicsTests
{
    [Fact]
    public void Every_device_topic_names_its_device()
    {
        string[] topics =
        [
            Topics.DeviceDesired("cam-01"), Topics.DeviceReported("cam-01"), Topics.Telemetry("cam-01"),
            Topics.ModelDesired("cam-01"), Topics.ModelStatus("cam-01"), Topics.BlockRequests("cam-01"), Topics.Blocks("cam-01"),
        ];

        Assert.All(topics, t => Assert.Equal("cam-01", Topics.DeviceIdOf(t)));
    }

    [Theory]
    [InlineData("edge/v1/fleet/config/desired")]
    [InlineData("edge/v1/group/line-1/config/desired")]
    [InlineData("edge/v1/dev/cam-01")]
    [InlineData("edge/v2/dev/cam-01/telemetry")]
    [InlineData("other/edge/v1/dev/cam-01/telemetry")]
    public void A_topic_outside_a_device_subtree_names_no_device(string topic) =>
        Assert.Null(Topics.DeviceIdOf(topic));

    [Fact]
    public void Desired_config_goes_to_the_topic_of_its_scope()
    {
        Assert.Equal(Topics.FleetDesired, Topics.Desired(ConfigScope.Fleet, null));
        Assert.Equal("edge/v1/group/line-1/config/desired", Topics.Desired(ConfigScope.Group, "line-1"));
        Assert.Equal("edge/v1/dev/cam-01/config/desired", Topics.Desired(ConfigScope.Device, "cam-01"));
        Assert.Throws<ArgumentNullException>(() => Topics.Desired(ConfigScope.Group, null));
    }
}
