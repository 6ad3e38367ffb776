namespace Edge.Agent.Mqtt;

using Edge.Agent.Hosting;
using Edge.Shared.Resilience;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// The agent's one MQTT client. Keeps itself connected (<see cref="ReconnectBackoff"/>), keeps the registered
/// subscriptions alive across broker restarts (<see cref="MqttSubscriptions"/>), routes incoming messages to
/// handlers by topic filter (<see cref="MqttDispatcher"/>), and lets features publish (<see cref="MqttPublisher"/>).
/// Features register with <see cref="SubscribeAsync"/> at any time. The reconnect loop is in
/// <c>AgentMqttConnection.Reconnect.cs</c>.
/// </summary>
internal sealed partial class AgentMqttConnection : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly MqttOptions _options;
    private readonly MqttClientOptions _clientOptions;
    private readonly ReconnectBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentMqttConnection> _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ReadySignal _up = new();
    private readonly MqttSubscriptions _subscriptions;
    private readonly MqttDispatcher _dispatcher;
    private readonly MqttPublisher _publisher;

    public AgentMqttConnection(
        IOptions<MqttOptions> options,
        IOptions<AgentOptions> agent,
        TimeProvider time,
        ILogger<AgentMqttConnection> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        ClientId = string.IsNullOrEmpty(_options.ClientId) ? agent.Value.DeviceId : _options.ClientId;
        _clientOptions = MqttClientOptionsFactory.Create(_options, ClientId);
        _backoff = new ReconnectBackoff(_options.ReconnectMinDelay, _options.ReconnectMaxDelay);
        _client = new MqttClientFactory().CreateMqttClient();

        // Subscriptions and dispatch share one route table: what is subscribed is exactly what gets routed.
        var routes = new MqttRoutes();
        _subscriptions = new MqttSubscriptions(_client, routes, logger);
        _dispatcher = new MqttDispatcher(routes, time, logger, _shutdown.Token);
        _publisher = new MqttPublisher(_client, logger);
        _client.ApplicationMessageReceivedAsync += _dispatcher.DispatchAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public string ClientId { get; }

    public bool IsEnabled => _options.Enabled;

    public bool IsConnected => _client.IsConnected;

    /// <summary>Raised after each (re)connect, once the subscriptions are in place. Keep handlers short.</summary>
    public event Action? Connected;

    /// <summary>Raised when an established connection is lost or closed.</summary>
    public event Action? Disconnected;

    /// <summary>Completes when the client is connected and subscribed (at once if it already is; never when disabled).</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) => _up.WaitAsync(cancellationToken);

    /// <summary>
    /// Routes messages matching <paramref name="topicFilter"/> (MQTT wildcards allowed) to
    /// <paramref name="handler"/> and subscribes at QoS 1 now if connected, otherwise on the next connect.
    /// Handlers run one message at a time on the client's receive path and the broker gets the PUBACK after
    /// they return: hand long work to your own loop (as config sync does with a channel).
    /// </summary>
    public Task SubscribeAsync(string topicFilter, MqttMessageHandler handler, CancellationToken cancellationToken) =>
        _subscriptions.AddAsync(topicFilter, handler, cancellationToken);

    /// <summary>
    /// Publishes one message. Returns false, without throwing, when not connected or the broker refused it:
    /// callers decide whether to retry (the reported config is simply re-published on the next connect).
    /// The payload is not used after the returned task completes, so pooled buffers may be reused then.
    /// </summary>
    public Task<bool> PublishAsync(
        string topic,
        ReadOnlyMemory<byte> payload,
        bool retain = false,
        MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        CancellationToken cancellationToken = default) =>
        _publisher.PublishAsync(topic, payload, retain, qos, cancellationToken);

    public override void Dispose()
    {
        _client.ApplicationMessageReceivedAsync -= _dispatcher.DispatchAsync;
        _client.DisconnectedAsync -= OnDisconnectedAsync;
        _client.Dispose();
        _shutdown.Dispose();
        base.Dispose();
    }
}
