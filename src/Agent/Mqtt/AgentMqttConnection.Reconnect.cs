namespace Edge.Agent.Mqtt;

using MQTTnet;
using MQTTnet.Exceptions;

/// <summary>
/// The connect/reconnect loop: connect, restore subscriptions, wait for the connection to drop, back off, repeat.
/// A partial of the connection because it drives every piece the connection owns (client, signals, events).
/// </summary>
internal sealed partial class AgentMqttConnection
{
    private TaskCompletionSource<MqttClientDisconnectedEventArgs> _lost = NewLostSignal();

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
                await _subscriptions.RestoreAsync(sessionLost: firstConnect || !result.IsSessionPresent, stoppingToken);
                firstConnect = false;
                failures = 0;
                wasUp = true;
                _up.Set();
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
                _up.Reset();
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

    private static TaskCompletionSource<MqttClientDisconnectedEventArgs> NewLostSignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

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
