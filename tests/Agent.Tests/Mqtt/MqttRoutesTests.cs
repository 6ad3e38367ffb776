namespace Edge.Agent.Tests.Mqtt;

using Edge.Agent.Mqtt;
using Xunit;

public sealed class MqttRoutesTests
{
    private static readonly MqttMessageHandler Ignore = (_, _) => ValueTask.CompletedTask;

    [Fact]
    public void A_reconnect_into_a_surviving_session_subscribes_only_what_was_never_granted()
    {
        var routes = new MqttRoutes();
        routes.Add("a/b", Ignore);
        routes.Add("a/+", Ignore);
        routes.MarkGranted(["a/b"]);
        routes.Add("a/b", Ignore);

        Assert.Equal(["a/+"], routes.Missing(sessionLost: false));
        Assert.Equal(["a/b", "a/+"], routes.Missing(sessionLost: true));
        Assert.Equal(["a/b", "a/+"], routes.Missing(sessionLost: false));
    }

    [Fact]
    public void Messages_go_to_every_handler_whose_filter_matches()
    {
        var routes = new MqttRoutes();
        MqttMessageHandler exact = (_, _) => ValueTask.CompletedTask;
        MqttMessageHandler single = (_, _) => ValueTask.CompletedTask;
        MqttMessageHandler multi = (_, _) => ValueTask.CompletedTask;
        routes.Add("edge/v1/dev/d1/config/desired", exact);
        routes.Add("edge/v1/dev/+/config/desired", single);
        routes.Add("edge/v1/fleet/#", multi);

        Assert.Equal([exact, single], routes.Matching("edge/v1/dev/d1/config/desired"));
        Assert.Equal([single], routes.Matching("edge/v1/dev/d2/config/desired"));
        Assert.Equal([multi], routes.Matching("edge/v1/fleet/config/desired"));
        Assert.Empty(routes.Matching("edge/v1/dev/d1/telemetry"));
    }
}
