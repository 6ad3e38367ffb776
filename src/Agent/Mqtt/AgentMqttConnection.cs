namespace Edge.Agent.Mqtt;

using Edge.Agent.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

/// <summary>
/// The agent's one MQTT client. Keeps itself connected (exponential backoff with jitter), keeps the
/// registered subscriptions alive across broker restarts, routes incoming messages to handlers by topic
/// filter, and lets features publish. Features register with <see cref="SubscribeAsync"/> at any time.
/// </summary>
internal sealed class AgentMqttConnection : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly MqttOptions _options;
    private readonly MqttClientOptions _clientOptions;
    private readonly ReconnectBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentMqttConnection> _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly MqttRoutes _routes = new();
    private TaskCompletionSource<MqttClientDisconnectedEventArgs> _lost = NewLostSignal();
    private TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
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
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _up).Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Routes messages matching <paramref name="topicFilter"/> (MQTT wildcards allowed) to
    /// <paramref name="handler"/> and subscribes at QoS 1 now if connected, otherwise on the next connect.
    /// Handlers run one message at a time on the client's receive path and the broker gets the PUBACK after
    /// they return: hand long work to your own loop (as config sync does with a channel).
    /// </summary>
    public async Task SubscribeAsync(string topicFilter, MqttMessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        ArgumentNullException.ThrowIfNull(handler);
        _routes.Add(topicFilter, handler);

        if (_client.IsConnected)
        {
            try
            {
                await SubscribeAtBrokerAsync([topicFilter], cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The connection is going down under us; the reconnect subscribes what was not granted.
                _logger.SubscribeFailed(ex, topicFilter);
            }
        }
    }

    /// <summary>
    /// Publishes one message. Returns false, without throwing, when not connected or the broker refused it:
    /// callers decide whether to retry (the reported config is simply re-published on the next connect).
    /// The payload is not used after the returned task completes, so pooled buffers may be reused then.
    /// </summary>
    public async Task<bool> PublishAsync(
        string topic,
        ReadOnlyMemory<byte> payload,
        bool retain = false,
        MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (!_client.IsConnected)
        {
            _logger.PublishSkipped(topic);
            return false;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayloadSegment(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(qos)
            .Build();
        try
        {
            var result = await _client.PublishAsync(message, cancellationToken);
            if (!result.IsSuccess)
            {
                _logger.PublishRefused(topic, result.ReasonCode, result.ReasonString);
            }

            return result.IsSuccess;
        }
        catch (MqttCommunicationException ex)
        {
            // The connection went down mid-publish; the reconnect loop reports that, so one line here.
            _logger.PublishFailed(topic, ex.Message);
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _logger.Disabled();
            return;
        }

        var failures = 0;
        var firstConnect = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var lost = NewLostSignal();
            Volatile.Write(ref _lost, lost);
            var wasUp = false;
            try
            {
                var result = await _client.ConnectAsync(_clientOptions, stoppingToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    // MQTTnet 5 reports a refused CONNECT (bad credentials, banned, busy) as a result, not an exception.
                    throw new MqttCommunicationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
                }

                _logger.Connected(_options.Host, _options.Port, ClientId, result.IsSessionPresent);

                // A fresh process subscribes even into a surviving session: that re-delivers the retained
                // desired config, which a restarted agent must see once.
                await SubscribeMissingAsync(sessionLost: firstConnect || !result.IsSessionPresent, stoppingToken);
                firstConnect = false;
                failures = 0;
                wasUp = true;
                Volatile.Read(ref _up).TrySetResult();
                Raise(Connected);

                var reason = await lost.Task.WaitAsync(stoppingToken);
                _logger.Disconnected(_options.Host, _options.Port, reason.Reason, reason.ReasonString ?? reason.Exception?.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (MqttCommunicationException ex)
            {
                // Expected while the broker is down or refuses us: one line per attempt, not a stack trace.
                _logger.ConnectFailed(_options.Host, _options.Port, failures + 1, ex.InnerException?.Message ?? ex.Message);
                await DropAsync();
            }
            catch (Exception ex)
            {
                _logger.ConnectFailedUnexpectedly(ex, _options.Host, _options.Port, failures + 1);
                await DropAsync();
            }

            if (wasUp)
            {
                Interlocked.Exchange(ref _up, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                Raise(Disconnected);
            }

            var ceiling = _backoff.Ceiling(failures);
            var delay = _backoff.Next(failures);
            _logger.Backoff(delay, failures + 1, ceiling);
            failures++;
            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        await base.StopAsync(cancellationToken);
        if (_client.IsConnected)
        {
            // A normal DISCONNECT keeps the session (and its queued messages) for SessionExpiry.
            try
            {
                await _client.DisconnectAsync(
                    new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                    cancellationToken);
            }
            catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException)
            {
                _logger.DisconnectFailed(ex);
            }
        }
    }

    public override void Dispose()
    {
        _client.ApplicationMessageReceivedAsync -= OnMessageAsync;
        _client.DisconnectedAsync -= OnDisconnectedAsync;
        _client.Dispose();
        _shutdown.Dispose();
        base.Dispose();
    }

    private static TaskCompletionSource<MqttClientDisconnectedEventArgs> NewLostSignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task SubscribeMissingAsync(bool sessionLost, CancellationToken cancellationToken) =>
        SubscribeAtBrokerAsync(_routes.Missing(sessionLost), cancellationToken);

    private async Task SubscribeAtBrokerAsync(string[] filters, CancellationToken cancellationToken)
    {
        if (filters.Length == 0)
        {
            return;
        }

        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            builder.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await _client.SubscribeAsync(builder.Build(), cancellationToken);
        var granted = new List<string>(filters.Length);
        foreach (var item in result.Items)
        {
            if (item.ResultCode is MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2)
            {
                granted.Add(item.TopicFilter.Topic);
            }
            else
            {
                // Not retried in a loop: a refusal (usually an ACL) will not change until an operator acts.
                _logger.SubscriptionRefused(item.TopicFilter.Topic, item.ResultCode);
            }
        }

        _routes.MarkGranted(granted);

        _logger.Subscribed(granted);
    }

    private async Task DropAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Already gone or half-closed; the loop reconnects either way, and it must not die here.
            _logger.DropFailed(ex.Message);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        // A failed connect also raises this; only the loss of an established connection matters.
        if (args.ClientWasConnected)
        {
            Volatile.Read(ref _lost).TrySetResult(args);
        }

        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        var incoming = new MqttIncomingMessage(message.Topic, message.Payload, message.Retain, _time.GetTimestamp());
        var routed = false;
        foreach (var handler in _routes.Matching(message.Topic))
        {
            routed = true;
            try
            {
                await handler(incoming, _shutdown.Token);
            }
            catch (Exception ex) when (!_shutdown.IsCancellationRequested)
            {
                _logger.HandlerFailed(ex, message.Topic);
            }
        }

        if (!routed)
        {
            _logger.Unrouted(message.Topic);
        }
    }

    private void Raise(Action? signal)
    {
        try
        {
            signal?.Invoke();
        }
        catch (Exception ex)
        {
            _logger.SignalHandlerFailed(ex);
        }
    }
}
