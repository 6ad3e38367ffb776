namespace Edge.Cloud.Tests.Mqtt;

using Edge.Cloud.Mqtt;
using Xunit;

public sealed class BrokerAccessTests
{
    [Theory]
    [InlineData("edge/v1/dev/cam-a/config/reported", true)]
    [InlineData("edge/v1/dev/cam-a/telemetry", true)]
    [InlineData("edge/v1/dev/cam-b/config/reported", false)]
    [InlineData("edge/v1/dev/cam-ab/config/reported", false)]
    [InlineData("edge/v1/fleet/config/desired", false)]
    [InlineData("edge/v1/group/line-1/config/desired", false)]
    [InlineData("edge/v2/dev/cam-a/config/reported", false)]
    [InlineData("other/cam-a", false)]
    public void A_device_publishes_only_under_its_own_subtree(string topic, bool allowed) =>
        Assert.Equal(allowed, BrokerAccess.CanPublish("cam-a", topic));

    [Theory]
    [InlineData("edge/v1/dev/cam-a/config/desired", true)]
    [InlineData("edge/v1/dev/cam-a/#", true)]
    [InlineData("edge/v1/dev/cam-a/+/desired", true)]
    [InlineData("edge/v1/fleet/config/desired", true)]
    [InlineData("edge/v1/fleet/#", true)]
    [InlineData("edge/v1/group/line-1/config/desired", true)]
    [InlineData("edge/v1/group/+/config/desired", true)]
    [InlineData("edge/v1/group/#", false)]
    [InlineData("edge/v1/group/line-1/config/reported", false)]
    [InlineData("edge/v1/group/line-1/config/desired/#", false)]
    [InlineData("edge/v1/dev/cam-b/config/desired", false)]
    [InlineData("edge/v1/dev/+/config/desired", false)]
    [InlineData("edge/v1/dev/#", false)]
    [InlineData("edge/v1/#", false)]
    [InlineData("#", false)]
    [InlineData("+/v1/dev/cam-a/config/desired", false)]
    [InlineData("$SYS/#", false)]
    [InlineData("$share/g/edge/v1/dev/cam-a/#", false)]
    public void A_device_subscribes_only_to_filters_that_match_nothing_but_its_readable_topics(string filter, bool allowed) =>
        Assert.Equal(allowed, BrokerAccess.CanSubscribe("cam-a", filter));

    [Fact]
    public void Passwords_match_plain_or_as_their_sha256_and_nothing_else()
    {
        var hashed = DevicePassword.Hash("s3cret");

        Assert.True(DevicePassword.Matches("s3cret", "s3cret"));
        Assert.True(DevicePassword.Matches(hashed, "s3cret"));
        Assert.False(DevicePassword.Matches("s3cret", "S3cret"));
        Assert.False(DevicePassword.Matches(hashed, hashed));
        Assert.False(DevicePassword.Matches("s3cret", null));
        Assert.StartsWith("sha256:", hashed, StringComparison.Ordinal);
        Assert.True(DevicePassword.IsWellFormed(hashed));
        Assert.False(DevicePassword.IsWellFormed("sha256:not-hex"));
        Assert.False(DevicePassword.IsWellFormed(string.Empty));
    }
}
