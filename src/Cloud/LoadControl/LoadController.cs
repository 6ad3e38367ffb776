namespace Edge.Cloud.LoadControl;

using System.Collections.Concurrent;
using Edge.Cloud.Storage;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Thresholds;
using Edge.Shared.Config;
using Edge.Shared.Telemetry;
using Microsoft.Extensions.Options;

/// <summary>
/// Holds the cloud's load at the operator's target by moving group thresholds (docs/load-control.md). Each period, per
/// group: its share of the target is the target × its share of the fleet's requests; feed-forward picks the threshold
/// at that cloud-share quantile of the group's confidence histogram, an integral term corrects it by the measured cloud
/// rate (only windows begun after the last move count); the move is limited to <see cref="ControllerConfig.MaxStep"/>,
/// clamped to the bounds, skipped inside the dead band, when the group is switched off or pinned by a manual change,
/// and goes through <see cref="ThresholdService"/> with actor <see cref="Actor"/> and its reason in the audit log.
/// </summary>
internal sealed partial class LoadController(
    TelemetryAggregator telemetry,
    ThresholdRepository thresholds,
    BoundsRepository bounds,
    ThresholdService service,
    SqliteDatabase database,
    IOptions<LoadControllerOptions> options,
    TimeProvider time,
    ILogger<LoadController> logger) : BackgroundService
{
    public const string Actor = "controller";

    private const double MaxIntegral = 0.5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private ControllerConfig _config = ControllerConfig.From(options.Value);
    private bool _loaded;

    public DateTimeOffset? LastRun { get; private set; }

    public async Task<ControllerConfig> GetConfigAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return _config.Copy();
    }

    /// <summary>Applies <paramref name="change"/> to a copy of the settings, stores it and makes it live.</summary>
    public async Task<ControllerConfig> UpdateAsync(Action<ControllerConfig> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await EnsureLoadedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var next = _config.Copy();
            change(next);
            await next.SaveAsync(database, cancellationToken);
            _config = next;
            return next.Copy();
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadOnlyDictionary<string, GroupState> Groups => _groups;

    /// <summary>One control period over every group with telemetry; returns the moves it made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var config = _config;
            var now = time.GetUtcNow();
            LastRun = now;
            var all = telemetry.Groups().Select(g => telemetry.Group(g)).OfType<GroupTelemetry>().ToList();
            var totalRate = all.Sum(g => g.RequestRate);
            var moves = 0;
            foreach (var group in all)
            {
                var state = _groups.GetOrAdd(group.Group, static _ => new GroupState());
                try
                {
                    moves += await RunGroupAsync(config, group, totalRate, state, now, cancellationToken) ? 1 : 0;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    state.LastAction = "failed: " + ex.Message;
                    LogGroupFailed(logger, ex, group.Group);
                }
            }

            return moves;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunInBackground)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var config = await GetConfigAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(config.PeriodSeconds), time, stoppingToken);
                if (config.Enabled)
                {
                    await RunOnceAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRunFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private async Task<bool> RunGroupAsync(ControllerConfig config, GroupTelemetry group, double totalRate, GroupState state, DateTimeOffset now, CancellationToken ct)
    {
        var setting = await thresholds.GetAsync(ConfigScope.Group, group.Group, ct);
        var (min, max) = await bounds.EffectiveAsync(ConfigScope.Group, group.Group, ct);
        var current = setting?.Threshold ?? group.Threshold ?? 0;
        state.Threshold = current;
        state.Bounds = (min, max);
        state.RequestRate = group.RequestRate;
        state.CloudRate = group.CloudRate;
        state.PinnedUntil = setting is { UpdatedBy: not Actor } && setting.UpdatedAt.AddSeconds(config.PinSeconds) > now
            ? setting.UpdatedAt.AddSeconds(config.PinSeconds)
            : null;
        state.Enabled = !config.DisabledGroups.Contains(group.Group, StringComparer.Ordinal);
        if (!config.Enabled || config.TargetCloudRps is not { } target)
        {
            return Skip(state, config.Enabled ? "no target set" : "controller disabled");
        }

        state.TargetCloudRate = totalRate > 0 ? target * group.RequestRate / totalRate : null;
        if (!state.Enabled)
        {
            return Skip(state, "switched off for this group");
        }

        if (state.PinnedUntil is { } pinned)
        {
            return Skip(state, $"pinned by {setting!.UpdatedBy}'s change until {pinned:O}");
        }

        // Only windows that began after the newest one the last move was based on measure its effect (on the devices'
        // clock); the window that was open during the move mixes both thresholds, so it is skipped too.
        var fresh = telemetry.Group(group.Group, state.LastMove);
        if (fresh is null || fresh.RequestRate <= 0 || state.TargetCloudRate is not { } groupTarget)
        {
            return Skip(state, "waiting for telemetry begun after the last move");
        }

        var measured = fresh.CloudRate;
        state.CloudRate = measured;
        if (measured <= groupTarget && measured >= groupTarget * (1 - config.DeadBand))
        {
            return Skip(state, "inside the dead band");
        }

        var setpoint = groupTarget * (1 - (config.DeadBand / 2));
        var feedForwardShare = setpoint / fresh.RequestRate;
        // Feedback integrates the model's error, not the load error: what the histogram predicted for the threshold in
        // force against what the devices measured. With a faithful histogram it stays near zero and feed-forward alone
        // lands on the setpoint in one move; it corrects what the histogram cannot see (degraded answers, skew).
        var predicted = CurveEstimator.CloudShare(group.Scores, current);
        var integral = Math.Clamp(state.Integral + (config.IntegralGain * (predicted - (measured / fresh.RequestRate))), -MaxIntegral, MaxIntegral);
        var feedForward = CurveEstimator.Quantile(group.Scores, feedForwardShare);
        var wanted = CurveEstimator.Quantile(group.Scores, feedForwardShare + integral);
        var next = Math.Round(Math.Clamp(Math.Clamp(wanted, current - config.MaxStep, current + config.MaxStep), min, max), 3);
        if (Math.Abs(next - current) < 0.0005)
        {
            // At a bound or a step of nothing: integrating further would only wind up.
            return Skip(state, next <= min || next >= max ? $"held at the bound [{min}, {max}]" : "no move needed");
        }

        state.Integral = integral;
        var reason = FormattableString.Invariant(
            $"cloud {measured:0.##} req/s vs group target {groupTarget:0.##} (fleet target {target:0.##} × {group.RequestRate / totalRate:P0} of requests); feed-forward {feedForward:0.###}, integral {integral:+0.###;-0.###;0}, wanted {wanted:0.###} → {next:0.###}")
            + (Math.Abs(wanted - next) > 0.0005 ? " (step/bounds limited)" : string.Empty);
        await service.SetAsync(
            ConfigScope.Group,
            group.Group,
            new ThresholdUpdate { Threshold = next, AuditSampleRate = setting?.AuditSampleRate, ScoreFunction = setting?.ScoreFunction, By = Actor, Reason = reason },
            reason,
            ct);
        state.Threshold = next;
        state.LastMove = fresh.LastSeen;
        state.LastAction = $"moved {current:0.###} → {next:0.###}";
        LogMoved(logger, group.Group, current, next, reason);
        return true;
    }

    private static bool Skip(GroupState state, string why)
    {
        state.LastAction = why;
        return false;
    }

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_loaded)
            {
                _config = await ControllerConfig.LoadAsync(database, cancellationToken) ?? _config;
                _loaded = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Load controller moved group {Group} from {From} to {To}: {Reason}")]
    private static partial void LogMoved(ILogger logger, string group, double from, double to, string reason);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Error, Message = "Load controller failed on group {Group}; other groups go on")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, string group);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Error, Message = "Load controller run failed; retrying next period")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}

/// <summary>What the controller knows about one group between runs (shown by <c>GET /v1/controller</c>).</summary>
internal sealed class GroupState
{
    public bool Enabled { get; set; } = true;

    public double? Threshold { get; set; }

    public (double Min, double Max) Bounds { get; set; } = (ConfigRules.MinThreshold, ConfigRules.MaxThreshold);

    public double RequestRate { get; set; }

    public double CloudRate { get; set; }

    public double? TargetCloudRate { get; set; }

    public DateTimeOffset? PinnedUntil { get; set; }

    public DateTimeOffset? LastMove { get; set; }

    public double Integral { get; set; }

    public string? LastAction { get; set; }
}
