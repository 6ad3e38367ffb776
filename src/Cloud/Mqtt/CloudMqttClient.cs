namespace Edge.Cloud.Mqtt;

using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>
/// The cloud's single MQTT connection (publisher and subscriber) to the embedded or external broker.
/// A reconnect loop with jittered exponential backoff keeps it up; after each connection it subscribes to every
/// <see cref="IMqttMessageHandler"/>'s filter and runs every <see cref="IMqttConnectedHook"/>, and only then
/// reports itself connected (<see cref="WaitConnectedAsync"/>, <see cref="Connected"/>).
/// </summary>
internal sealed class CloudMqttClient : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly CloudMqttOptions _options;
    private readonly CloudCredentials _credentials;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<CloudMqttClient> _logger;
    private IMqttMessageHandler[] _handlers = [];
    private TaskCompletionSource _ready = NewSignal();
    private TaskCompletionSource _disconnected = NewSignal();
    private CancellationToken _stopping;

    public CloudMqttClient(
        IOptions<CloudMqttOptions> options,
        CloudCredentials credentials,
        IServiceProvider services,
        TimeProvider time,
        ILogger<CloudMqttClient> logger)
    {
        _options = options.Value;
        _credentials = credentials;
        _services = services;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>Raised each time the client has connected, subscribed and run its hooks.</summary>
    public event Action? Connected;

    /// <summary>True between a completed (re)connection and the next disconnect.</summary>
    public bool IsConnected => _ready.Task.IsCompleted && _client.IsConnected;

    public string Endpoint => $"{_options.ClientEndpoint.Host}:{_options.ClientEndpoint.Port}";

    /// <summary>Completes once the client is connected, subscribed and has run its hooks (immediately if it is now).</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => Volatile.Read(ref _ready).Task.WaitAsync(cancellationToken);

    /// <summary>Publishes at QoS 1 and waits for the broker's acknowledgement (bounded by <c>Mqtt:PublishTimeoutMs</c>).</summary>
    /// <exception cref="InvalidOperationException">Not connected, or the broker refused the message.</exception>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            throw new InvalidOperationException($"not connected to the MQTT broker at {Endpoint}");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayloadSegment(payload)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.PublishTimeoutMs), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var result = await _client.PublishAsync(message, linked.Token);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused the message on '{topic}': {result.ReasonCode} {result.ReasonString}");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;

        // Resolved here, not in the constructor: hooks publish through this client, so they depend on it.
        _handlers = [.. _services.GetServices<IMqttMessageHandler>()];
        var hooks = _services.GetServices<IMqttConnectedHook>().ToArray();
        var delay = _options.ReconnectMinDelayMs;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Volatile.Write(ref _disconnected, NewSignal());
                try
                {
                    await ConnectAndPrepareAsync(hooks, stoppingToken);
                    delay = _options.ReconnectMinDelayMs;
                    await Volatile.Read(ref _disconnected).Task.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (MqttCommunicationException ex)
                {
                    // Broker down or unreachable: expected while it restarts, so one line, not a stack trace per attempt.
                    CloudMqttLog.Unreachable(_logger, Endpoint, ex.InnerException?.Message ?? ex.Message, delay);
                }
                catch (Exception ex)
                {
                    CloudMqttLog.ConnectFailed(_logger, ex, Endpoint, delay);
                }

                MarkNotReady();
                await DisconnectQuietlyAsync();
                var jittered = delay * (0.8 + (0.4 * Random.Shared.NextDouble()));
                await Task.Delay(TimeSpan.FromMilliseconds(jittered), _time, stoppingToken);
                delay = Math.Min(delay * 2, _options.ReconnectMaxDelayMs);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            MarkNotReady();
            await DisconnectQuietlyAsync();
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private async Task ConnectAndPrepareAsync(IMqttConnectedHook[] hooks, CancellationToken cancellationToken)
    {
        var (host, port) = _options.ClientEndpoint;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(_options.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)

            // Every subscription delivers retained state again, so a clean start loses nothing.
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (_credentials.Username is { } username)
        {
            builder.WithCredentials(username, _credentials.Password);
        }

        var connected = await _client.ConnectAsync(builder.Build(), cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            // MQTTnet 5 reports a refused CONNECT (bad credentials, busy broker) as a result, not an exception.
            throw new MqttCommunicationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }

        if (_handlers.Length > 0)
        {
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var handler in _handlers)
            {
                subscribe.WithTopicFilter(handler.TopicFilter, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            var result = await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
            foreach (var item in result.Items)
            {
                if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
                {
                    throw new InvalidOperationException($"the broker refused the subscription to '{item.TopicFilter.Topic}': {item.ResultCode}");
                }
            }
        }

        foreach (var hook in hooks)
        {
            await hook.OnConnectedAsync(cancellationToken);
        }

        CloudMqttLog.Connected(_logger, Endpoint, _options.ClientId);
        Volatile.Read(ref _ready).TrySetResult();
        try
        {
            Connected?.Invoke();
        }
        catch (Exception ex)
        {
            // A subscriber's bug must not tear down a good connection (the loop would reconnect and call it again).
            CloudMqttLog.ConnectedHandlerFailed(_logger, ex);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        // A failed connection attempt raises this too, possibly late; only the loss of a live connection counts.
        if (!args.ClientWasConnected)
        {
            return Task.CompletedTask;
        }

        if (!_stopping.IsCancellationRequested)
        {
            CloudMqttLog.Disconnected(_logger, args.Exception, Endpoint, args.Reason);
        }

        Volatile.Read(ref _disconnected).TrySetResult();
        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        foreach (var handler in _handlers)
        {
            if (MqttTopicFilterComparer.Compare(message.Topic, handler.TopicFilter) != MqttTopicFilterCompareResult.IsMatch)
            {
                continue;
            }

            try
            {
                await handler.HandleAsync(message, _stopping);
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                CloudMqttLog.HandlerFailed(_logger, ex, message.Topic);
            }
        }
    }

    private void MarkNotReady()
    {
        var current = Volatile.Read(ref _ready);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _ready, NewSignal(), current);
        }
    }

    private async Task DisconnectQuietlyAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
        }
        catch (Exception ex)
        {
            CloudMqttLog.DisconnectFailed(_logger, ex);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
