namespace Edge.Cloud.Mqtt;

using MQTTnet;
using MQTTnet.Exceptions;

/// <summary>
/// The connect/reconnect loop: connect, subscribe, run the hooks, wait for the connection to drop, back off,
/// repeat. A partial of the client because it drives every piece the client owns (connection, signal, event).
/// </summary>
internal sealed partial class CloudMqttClient
{
    private TaskCompletionSource _disconnected = NewDisconnectedSignal();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;

        // Resolved here, not in the constructor: hooks publish through this client, so they depend on it.
        Volatile.Write(ref _router, new MqttHandlerRouter([.. _services.GetServices<IMqttMessageHandler>()], _logger));
        var hooks = _services.GetServices<IMqttConnectedHook>().ToArray();
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Volatile.Write(ref _disconnected, NewDisconnectedSignal());
                TimeSpan delay;
                try
                {
                    await ConnectAndPrepareAsync(hooks, stoppingToken);
                    failures = 0;
                    await Volatile.Read(ref _disconnected).Task.WaitAsync(stoppingToken);
                    delay = _backoff.Next(failures);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (MqttCommunicationException ex)
                {
                    // Broker down or unreachable: expected while it restarts, so one line, not a stack trace per attempt.
                    delay = _backoff.Next(failures);
                    CloudMqttLog.Unreachable(_logger, Endpoint, ex.InnerException?.Message ?? ex.Message, (int)delay.TotalMilliseconds);
                }
                catch (Exception ex)
                {
                    delay = _backoff.Next(failures);
                    CloudMqttLog.ConnectFailed(_logger, ex, Endpoint, (int)delay.TotalMilliseconds);
                }

                _ready.Reset();
                await DisconnectQuietlyAsync();
                await Task.Delay(delay, _time, stoppingToken);
                failures++;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            _ready.Reset();
            await DisconnectQuietlyAsync();
        }
    }

    private async Task ConnectAndPrepareAsync(IMqttConnectedHook[] hooks, CancellationToken cancellationToken)
    {
        var connected = await _client.ConnectAsync(_clientOptions, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            // MQTTnet 5 reports a refused CONNECT (bad credentials, busy broker) as a result, not an exception.
            throw new MqttCommunicationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }

        await Volatile.Read(ref _router).SubscribeAllAsync(_client, cancellationToken);
        foreach (var hook in hooks)
        {
            await hook.OnConnectedAsync(cancellationToken);
        }

        CloudMqttLog.Connected(_logger, Endpoint, _options.ClientId);
        _ready.Set();
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

    private static TaskCompletionSource NewDisconnectedSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
