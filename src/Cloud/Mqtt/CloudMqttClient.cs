namespace Edge.Cloud.Mqtt;

using Edge.Shared.Resilience;
using Microsoft.Extensions.Options;
using MQTTnet;

/// <summary>
/// The cloud's single MQTT connection (publisher and subscriber) to the embedded or external broker.
/// A reconnect loop (<c>CloudMqttClient.Reconnect.cs</c>, backing off with <see cref="ReconnectBackoff"/>) keeps
/// it up; after each connection it subscribes to every <see cref="IMqttMessageHandler"/>'s filter
/// (<see cref="MqttHandlerRouter"/>) and runs every <see cref="IMqttConnectedHook"/>, and only then reports itself
/// connected (<see cref="WaitConnectedAsync"/>, <see cref="Connected"/>).
/// </summary>
internal sealed partial class CloudMqttClient : BackgroundService
{
    private readonly CloudMqttOptions _options;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<CloudMqttClient> _logger;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly ReconnectBackoff _backoff;
    private readonly ReadySignal _ready = new();
    private readonly CloudMqttPublisher _publisher;
    private MqttHandlerRouter _router = MqttHandlerRouter.Empty;
    private CancellationToken _stopping;

    public CloudMqttClient(
        IOptions<CloudMqttOptions> options,
        CloudCredentials credentials,
        IServiceProvider services,
        TimeProvider time,
        ILogger<CloudMqttClient> logger)
    {
        _options = options.Value;
        _services = services;
        _time = time;
        _logger = logger;
        _clientOptions = CloudMqttClientOptionsFactory.Create(_options, credentials);
        _backoff = new ReconnectBackoff(
            TimeSpan.FromMilliseconds(_options.ReconnectMinDelayMs),
            TimeSpan.FromMilliseconds(_options.ReconnectMaxDelayMs));
        _client = new MqttClientFactory().CreateMqttClient();
        _publisher = new CloudMqttPublisher(_client, TimeSpan.FromMilliseconds(_options.PublishTimeoutMs), time, Endpoint);
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>Raised each time the client has connected, subscribed and run its hooks.</summary>
    public event Action? Connected;

    /// <summary>True between a completed (re)connection and the next disconnect.</summary>
    public bool IsConnected => _ready.IsSet && _client.IsConnected;

    public string Endpoint => $"{_options.ClientEndpoint.Host}:{_options.ClientEndpoint.Port}";

    /// <summary>Completes once the client is connected, subscribed and has run its hooks (immediately if it is now).</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => _ready.WaitAsync(cancellationToken);

    /// <summary>Publishes at QoS 1 and waits for the broker's acknowledgement (bounded by <c>Mqtt:PublishTimeoutMs</c>).</summary>
    /// <exception cref="InvalidOperationException">Not connected, or the broker refused the message.</exception>
    public Task PublishAsync(
        string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken, string contentType = CloudMqttPublisher.Json) =>
        _publisher.PublishAsync(topic, payload, retain, cancellationToken, contentType);

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    // The router is swapped in once ExecuteAsync has resolved the handlers; until then messages match nothing.
    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args) =>
        Volatile.Read(ref _router).DispatchAsync(args.ApplicationMessage, _stopping);
}
