namespace Edge.Agent.Tests.Mqtt;

using System.Buffers;
using System.Text;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Tests.Support;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

public sealed class AgentMqttConnectionTests
{
    [Fact]
    public async Task Routes_messages_by_topic_filter_and_publishes_to_the_broker()
    {
        using var deadline = Deadline();
        await using var broker = await MosquittoBroker.StartAsync(deadline.Token);
        using var connection = Create(broker.Port, TimeProvider.System);
        var wildcard = new TaskCompletionSource<(string Topic, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exact = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await connection.SubscribeAsync("test/+/cmd", (m, _) => Complete(wildcard, (m.Topic, Encoding.UTF8.GetString(m.Payload.ToArray()))), deadline.Token);
        await connection.SubscribeAsync("test/b/cmd", (m, _) => Complete(exact, m.Topic), deadline.Token);
        await connection.StartAsync(deadline.Token);
        await connection.WaitUntilConnectedAsync(deadline.Token);
        await using var peer = await TestMqttClient.ConnectAsync(broker.Port, deadline.Token);
        await peer.SubscribeAsync("test/out", deadline.Token);

        await peer.PublishAsync("test/a/cmd", "hello"u8.ToArray(), retain: false, deadline.Token);
        var received = await wildcard.Task.WaitAsync(deadline.Token);
        var published = await connection.PublishAsync("test/out", "world"u8.ToArray(), cancellationToken: deadline.Token);
        var echoed = await peer.WaitForRawAsync("test/out", deadline.Token);
        await connection.StopAsync(deadline.Token);

        Assert.Equal(("test/a/cmd", "hello"), received);
        Assert.False(exact.Task.IsCompleted);
        Assert.True(published);
        Assert.Equal("world", Encoding.UTF8.GetString(echoed));
    }

    [Fact]
    public async Task Publishing_without_a_connection_returns_false_instead_of_throwing()
    {
        using var connection = Create(FreePort.Next(), TimeProvider.System);

        var published = await connection.PublishAsync("test/out", "x"u8.ToArray(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(published);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task Reconnect_delays_run_on_the_injected_time_provider()
    {
        using var deadline = Deadline();
        await using var broker = await MosquittoBroker.StartAsync(deadline.Token);
        await broker.StopAsync();

        // An hour between attempts: only a fake clock can get the second attempt to happen inside this test.
        var time = new FakeTimeProvider();
        var log = new AwaitableLogCollector();
        using var connection = Create(broker.Port, time, TimeSpan.FromHours(1), new FakeLogger<AgentMqttConnection>(log));
        await connection.StartAsync(deadline.Token);
        await log.WaitForEventAsync(BackoffEventId, deadline.Token);
        await broker.StartAgainAsync(deadline.Token);
        var connected = connection.WaitUntilConnectedAsync(deadline.Token);
        while (!connected.IsCompleted)
        {
            time.Advance(TimeSpan.FromHours(1));
            await Task.WhenAny(connected, Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token));
        }

        await connected;
        Assert.True(connection.IsConnected, string.Join(Environment.NewLine, log.GetSnapshot()));
        Assert.True(time.GetUtcNow() - time.Start >= TimeSpan.FromHours(1));
        await connection.StopAsync(deadline.Token);
    }

    [Fact]
    public async Task A_refused_login_counts_as_a_failed_attempt_and_the_right_password_connects()
    {
        using var deadline = Deadline();
        await using var broker = await MosquittoBroker.StartAsync(
            async folder =>
            {
                await MosquittoFiles.WritePasswordFileAsync(Path.Combine(folder.Directory, "passwd"), [("cam-1", "right")], deadline.Token);
                return $"listener {folder.Port} {MosquittoBroker.Host}\nallow_anonymous false\npassword_file {Path.Combine(folder.Directory, "passwd")}\n{MosquittoFiles.LogSettings}";
            },
            deadline.Token);
        var log = new AwaitableLogCollector();
        using var refused = Create(broker.Port, TimeProvider.System, logger: new FakeLogger<AgentMqttConnection>(log), username: "cam-1", password: "wrong");
        using var accepted = Create(broker.Port, TimeProvider.System, username: "cam-1", password: "right");

        await refused.StartAsync(deadline.Token);
        await log.WaitForEventAsync(ConnectFailedEventId, deadline.Token);
        await refused.StopAsync(deadline.Token);
        await accepted.StartAsync(deadline.Token);
        await accepted.WaitUntilConnectedAsync(deadline.Token);
        await accepted.StopAsync(deadline.Token);

        Assert.False(refused.IsConnected);
        Assert.DoesNotContain(log.GetSnapshot(), r => r.Id.Id == ConnectedEventId);
        Assert.Contains(log.GetSnapshot(), r => r.Message.Contains("refused", StringComparison.Ordinal));
    }

    private const int BackoffEventId = 5004;
    private const int ConnectedEventId = 5001;
    private const int ConnectFailedEventId = 5003;

    private static AgentMqttConnection Create(
        int port,
        TimeProvider time,
        TimeSpan? reconnectDelay = null,
        ILogger<AgentMqttConnection>? logger = null,
        string? username = null,
        string? password = null)
    {
        var delay = reconnectDelay ?? TimeSpan.FromMilliseconds(50);
        var options = new MqttOptions { Port = port, ReconnectMinDelay = delay, ReconnectMaxDelay = delay, Username = username, Password = password };
        var agent = new AgentOptions { DeviceId = username ?? "conn-" + Guid.NewGuid().ToString("N")[..8] };
        return new AgentMqttConnection(Options.Create(options), Options.Create(agent), time, logger ?? NullLogger<AgentMqttConnection>.Instance);
    }

    private static ValueTask Complete<T>(TaskCompletionSource<T> done, T value)
    {
        done.TrySetResult(value);
        return ValueTask.CompletedTask;
    }

    private static CancellationTokenSource Deadline()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts;
    }
}
