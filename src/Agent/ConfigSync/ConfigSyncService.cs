namespace Edge.Agent.ConfigSync;

using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Agent.Mqtt;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Edge.Shared.Config;
using Edge.Shared.Observability;
using Edge.Shared.Serialization;
using Microsoft.Extensions.Options;

/// <summary>
/// Retained desired config (fleet, group, device) → validate → merge → <see cref="LiveConfig.Apply"/> →
/// persist → reported state. Every change runs on one loop, so the held state needs no locks.
/// </summary>
internal sealed class ConfigSyncService : BackgroundService
{
    private static readonly ConfigScope[] Scopes = [ConfigScope.Fleet, ConfigScope.Group, ConfigScope.Device];

    private readonly Channel<Inbound> _inbox = Channel.CreateUnbounded<Inbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LiveConfig _live;
    private readonly AgentMqttConnection _mqtt;
    private readonly ConfigStateFile _state;
    private readonly ConfigSyncEvents _events;
    private readonly ConfigTargets _targets;
    private readonly IModelInfo? _model;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigSyncService> _logger;
    private readonly long _maxVersionJump;

    // The agent's own defaults, under every field no scope sets.
    private readonly RoutingSettings _defaults;
    private HeldConfigs _held = HeldConfigs.None;
    private ConfigError? _lastError;
    private DateTimeOffset _appliedAt;

    public ConfigSyncService(
        LiveConfig live,
        IOptions<RouterOptions> router,
        AgentMqttConnection mqtt,
        ConfigStateFile state,
        ConfigSyncEvents events,
        ConfigTargets targets,
        TimeProvider time,
        ILogger<ConfigSyncService> logger,
        IOptions<ConfigSyncOptions> options,
        IModelInfo? model = null)
    {
        _maxVersionJump = options.Value.MaxVersionJump;
        _live = live;
        _mqtt = mqtt;
        _state = state;
        _events = events;
        _targets = targets;
        _time = time;
        _logger = logger;
        _model = model;
        _defaults = router.Value.ToSettings();
        _appliedAt = time.GetUtcNow();
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the host reports started, so the first request already sees the restored threshold.
        _held = _state.Load(_targets);
        if (!_held.IsEmpty)
        {
            var settings = ConfigMerge.Merge(_defaults, _held);
            _live.Apply(settings);
            _logger.Restored(_state.Path, settings.Threshold, settings.ThresholdSource, _held.Fleet?.Version, _held.Group?.Version, _held.Device?.Version);
        }

        _mqtt.Connected += OnConnected;

        // An OTA swap or rollback changes the reported model version: re-report it.
        if (_model is not null)
        {
            _model.Changed += OnConnected;
        }

        foreach (var scope in Scopes)
        {
            await _mqtt.SubscribeAsync(_targets.DesiredTopic(scope), (message, _) => Enqueue(scope, message), cancellationToken);
        }

        // The connection starts first and may already be up, its Connected event gone before we listened:
        // report now, or a device that receives no desired config would never report at all.
        if (_mqtt.IsConnected)
        {
            OnConnected();
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _mqtt.Connected -= OnConnected;
        if (_model is not null)
        {
            _model.Changed -= OnConnected;
        }

        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in _inbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ProcessAsync(item, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    _logger.ProcessingFailed(ex, item.Scope);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private ValueTask Enqueue(ConfigScope scope, MqttIncomingMessage message)
    {
        // Copy: the client owns the payload. At most one byte past the limit, enough to refuse it.
        var length = (int)Math.Min(message.Payload.Length, DesiredConfigRules.MaxPayloadBytes + 1L);
        var payload = message.Payload.Slice(0, length).ToArray();
        _inbox.Writer.TryWrite(new Inbound(scope, payload, message.ReceivedTimestamp));
        return ValueTask.CompletedTask;
    }

    // A new connection gets the current report: it may be the first since boot, or the broker lost it.
    private void OnConnected() => _inbox.Writer.TryWrite(new Inbound(null, null, 0));

    private async Task ProcessAsync(Inbound item, CancellationToken cancellationToken)
    {
        if (item.Scope is not { } scope || item.Payload is not { } payload)
        {
            await PublishReportedAsync(cancellationToken);
            return;
        }

        var decision = DesiredConfigRules.Evaluate(_held, scope, _targets.TargetOf(scope), payload, _maxVersionJump);
        var settings = _live.Current;
        switch (decision.Kind)
        {
            case ConfigOutcomeKind.Applied or ConfigOutcomeKind.Cleared:
                _held = decision.Held;
                settings = ConfigMerge.Merge(_defaults, _held);
                _live.Apply(settings);
                _appliedAt = _time.GetUtcNow();
                var elapsedMs = _time.GetElapsedTime(item.ReceivedTimestamp).TotalMilliseconds;
                if (decision.Kind == ConfigOutcomeKind.Applied)
                {
                    _logger.Applied(scope, decision.Version, elapsedMs, settings.Threshold, settings.ThresholdSource, settings.AuditSampleRate, settings.ScoreFunction);
                }
                else
                {
                    _logger.Cleared(scope, elapsedMs, settings.Threshold, settings.ThresholdSource);
                }

                if (_lastError?.Scope == scope)
                {
                    _lastError = null;
                }

                await SaveAsync(cancellationToken);
                await PublishReportedAsync(cancellationToken);
                break;
            case ConfigOutcomeKind.Ignored:
                _logger.Ignored(scope, decision.Version, decision.Reason);
                break;
            default:
                // The reason may quote the payload (a forged target, a parser message): escaped, it cannot forge a log line.
                _logger.Refused(scope, decision.Version, LogText.Escape(decision.Reason, 1024));
                _lastError = new ConfigError { Scope = scope, Version = decision.Version, Reason = decision.Reason ?? "refused", At = _time.GetUtcNow() };
                await PublishReportedAsync(cancellationToken);
                break;
        }

        _events.Publish(new ConfigSyncOutcome(scope, decision.Kind, decision.Version, settings, decision.Reason));
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _state.SaveAsync(_held, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The new settings are live already; a read-only disk must not stop the device from following the operator.
            _logger.StateSaveFailed(ex, _state.Path);
        }
    }

    private async Task PublishReportedAsync(CancellationToken cancellationToken)
    {
        var settings = _live.Current;
        var report = new ReportedConfig
        {
            DeviceId = _targets.DeviceId,
            Group = _targets.Group,
            Threshold = settings.Threshold,
            ThresholdSource = settings.ThresholdSource,
            AuditSampleRate = settings.AuditSampleRate,
            ScoreFunction = settings.ScoreFunction,
            FleetVersion = _held.Fleet?.Version,
            GroupVersion = _held.Group?.Version,
            DeviceVersion = _held.Device?.Version,
            AppliedAt = _appliedAt,
            LastError = _lastError,
            ModelName = _model?.ModelName,
            ModelVersion = _model?.ModelVersion,
            ExecutionProvider = _model?.ExecutionProvider,
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(report, EdgeJsonContext.Default.ReportedConfig);
        var published = await _mqtt.PublishAsync(_targets.ReportedTopic, payload, retain: true, cancellationToken: cancellationToken);
        _logger.Reported(_targets.ReportedTopic, published);
    }

    /// <summary>A desired-config message, or (Scope null) a request to re-publish the report.</summary>
    private readonly record struct Inbound(ConfigScope? Scope, byte[]? Payload, long ReceivedTimestamp);
}
