namespace Edge.Cloud.Thresholds;

using Edge.Cloud.Observability;
using Edge.Shared.Config;

/// <summary>
/// Changes thresholds at a scope: validates, stores under the next global version with an audit entry, then
/// publishes the retained desired config. The HTTP API and any in-process caller (a load controller, the demo)
/// go through here, so every change is validated, audited and published the same way.
/// </summary>
internal sealed partial class ThresholdService(
    ThresholdRepository repository,
    BoundsRepository bounds,
    DesiredConfigPublisher publisher,
    CloudMetrics metrics,
    TimeProvider time,
    ILogger<ThresholdService> logger)
{
    public const string DefaultBy = "api";

    private const int MaxByLength = 128;

    private const int MaxReasonLength = 1024;

    /// <summary>Returns null when the change may be stored, otherwise a message an operator can act on.</summary>
    public static string? Validate(ConfigScope scope, string? target, ThresholdUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var targetError = ValidateTarget(scope, target);
        if (targetError is not null)
        {
            return targetError;
        }

        if (update.Threshold is null && update.AuditSampleRate is null && update.ScoreFunction is null)
        {
            return "set at least one of threshold, auditSampleRate or scoreFunction (use DELETE to clear the scope)";
        }

        if (update.ScoreFunction is { } f && !Enum.IsDefined(f))
        {
            return $"unknown scoreFunction {(int)f}; use one of {string.Join(", ", Enum.GetNames<ScoreFunction>())}";
        }

        return ValidateBy(update.By) ?? ValidateReason(update.Reason) ?? ConfigRules.ValidateThreshold(update.Threshold) ?? ConfigRules.ValidateAuditSampleRate(update.AuditSampleRate);
    }

    /// <summary>Who made a change goes into the audit log and logs, so it must be short and printable.</summary>
    public static string? ValidateBy(string? by) =>
        by is not null && (by.Length > MaxByLength || by.Any(char.IsControl))
            ? $"by must be at most {MaxByLength} printable characters"
            : null;

    public static string? ValidateReason(string? reason) =>
        reason is not null && (reason.Length > MaxReasonLength || reason.Any(char.IsControl))
            ? $"reason must be at most {MaxReasonLength} printable characters"
            : null;

    /// <summary>
    /// Stores bounds at a scope (audited). Refused when invalid, when they leave no room inside the bounds over the scope,
    /// or when the threshold stored at the scope would fall outside them.
    /// </summary>
    /// <exception cref="ArgumentException">The bounds are refused; the message says why.</exception>
    public async Task<ScopeBounds> SetBoundsAsync(ConfigScope scope, string? target, ThresholdBounds request, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var error = ValidateTarget(scope, target) ?? ThresholdBounds.Validate(request.Min, request.Max) ?? ValidateBy(request.By) ?? ValidateReason(request.Reason);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(request));
        }

        double min = request.Min!.Value, max = request.Max!.Value;
        if (scope != ConfigScope.Fleet)
        {
            var (outerMin, outerMax) = await bounds.EffectiveAsync(scope, target, cancellationToken, includeSelf: false);
            if (Math.Max(min, outerMin) > Math.Min(max, outerMax))
            {
                throw new ArgumentException(
                    $"bounds [{ThresholdBounds.Format(min)}, {ThresholdBounds.Format(max)}] do not overlap the bounds [{ThresholdBounds.Format(outerMin)}, {ThresholdBounds.Format(outerMax)}] over this scope",
                    nameof(request));
            }
        }

        if ((await repository.GetAsync(scope, target, cancellationToken))?.Threshold is { } current && (current < min || current > max))
        {
            throw new ArgumentException(
                $"the threshold {ThresholdBounds.Format(current)} stored at this scope is outside [{ThresholdBounds.Format(min)}, {ThresholdBounds.Format(max)}]; move it inside first",
                nameof(request));
        }

        var by = string.IsNullOrWhiteSpace(request.By) ? DefaultBy : request.By;
        var stored = await bounds.WriteAsync(scope, target, min, max, time.GetUtcNow(), by, string.IsNullOrWhiteSpace(request.Reason) ? reason : request.Reason, cancellationToken);
        LogBounds(logger, scope, target, min, max, by);
        return stored;
    }

    public static string? ValidateTarget(ConfigScope scope, string? target) => scope switch
    {
        ConfigScope.Fleet => null,
        ConfigScope.Group => ConfigRules.ValidateName(target, "group"),
        ConfigScope.Device => ConfigRules.ValidateName(target, "device id"),
        _ => $"unknown scope {(int)scope}",
    };

    /// <summary>
    /// Replaces the setting at the scope with exactly the fields of <paramref name="update"/>: a field left null is
    /// no longer set at this scope (devices take it from a less specific scope), it does not keep the stored value.
    /// </summary>
    /// <exception cref="ArgumentException">The update fails <see cref="Validate"/>.</exception>
    public async Task<ThresholdResult> SetAsync(ConfigScope scope, string? target, ThresholdUpdate update, string reason, CancellationToken cancellationToken)
    {
        var error = Validate(scope, target, update);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(update));
        }

        if (update.Threshold is { } threshold)
        {
            var (min, max) = await bounds.EffectiveAsync(scope, target, cancellationToken);
            if (threshold < min || threshold > max)
            {
                throw new ArgumentException(
                    $"threshold {ThresholdBounds.Format(threshold)} is outside the bounds [{ThresholdBounds.Format(min)}, {ThresholdBounds.Format(max)}] in force at this scope " +
                    $"({(threshold < min ? "min" : "max")} {ThresholdBounds.Format(threshold < min ? min : max)}); change the bounds first",
                    nameof(update));
            }
        }

        var by = string.IsNullOrWhiteSpace(update.By) ? DefaultBy : update.By;
        reason = string.IsNullOrWhiteSpace(update.Reason) ? reason : update.Reason;
        var change = new SettingChange(scope, target, update.Threshold, update.AuditSampleRate, update.ScoreFunction, time.GetUtcNow(), by, reason);
        var stored = await repository.WriteAsync(change, cancellationToken)
            ?? throw new InvalidOperationException("a non-empty change always stores a setting");
        metrics.ThresholdChanged();
        LogChanged(logger, scope, target, stored.Version, by, reason);
        var published = await PublishStoredAsync(stored);
        return new ThresholdResult(stored, published);
    }

    /// <summary>
    /// Clears the scope (devices fall back to less specific scopes) by publishing a new version with no fields.
    /// Returns null when the scope had no setting.
    /// </summary>
    public async Task<ThresholdResult?> ClearAsync(ConfigScope scope, string? target, string by, string reason, CancellationToken cancellationToken)
    {
        var error = ValidateTarget(scope, target) ?? ValidateBy(by);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(target));
        }

        var change = new SettingChange(scope, target, null, null, null, time.GetUtcNow(), by, reason);
        var cleared = await repository.WriteAsync(change, cancellationToken);
        if (cleared is null)
        {
            return null;
        }

        metrics.ThresholdChanged();
        LogCleared(logger, scope, target, cleared.Version, by, reason);
        var published = await PublishStoredAsync(cleared);
        return new ThresholdResult(cleared, published);
    }

    /// <summary>
    /// Makes a new config epoch and republishes every stored setting in it: a device replaces whatever it holds for a
    /// scope (a forged version included) with the cloud's setting, since versions only compare within one epoch.
    /// </summary>
    public async Task<ConfigEpochReset> ResetEpochAsync(string by, CancellationToken cancellationToken)
    {
        // Committed before publishing, so like a change it goes out even if the caller has gone away.
        cancellationToken.ThrowIfCancellationRequested();
        var (epoch, republished) = await publisher.ResetEpochAsync(CancellationToken.None);
        metrics.ThresholdChanged();
        LogEpochReset(logger, epoch, by, republished);
        return new ConfigEpochReset { Epoch = epoch, Republished = republished };
    }

    /// <summary>
    /// Once a change is committed it is published even if the caller has gone away: otherwise it would wait for
    /// the next reconnection. The publish timeout bounds the wait.
    /// </summary>
    private Task<bool> PublishStoredAsync(ScopeSetting setting) => publisher.PublishAsync(setting, CancellationToken.None);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Threshold setting at {Scope} {Target} is now version {Version} (by {By}: {Reason})")]
    private static partial void LogChanged(ILogger logger, ConfigScope scope, string? target, long version, string by, string reason);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "Threshold bounds at {Scope} {Target} are now [{Min}, {Max}] (by {By})")]
    private static partial void LogBounds(ILogger logger, ConfigScope scope, string? target, double min, double max, string by);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Warning, Message = "Config epoch reset to {Epoch} by {By}: every stored setting republished in it ({Republished}; none means on the next MQTT connection)")]
    private static partial void LogEpochReset(ILogger logger, string epoch, string by, int? republished);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Information, Message = "Threshold setting at {Scope} {Target} cleared as version {Version} (by {By}: {Reason})")]
    private static partial void LogCleared(ILogger logger, ConfigScope scope, string? target, long version, string by, string reason);
}

/// <param name="Setting">What is stored now (all fields null after a clear).</param>
/// <param name="Published">False when the broker was unreachable; the setting goes out on the next connection.</param>
internal sealed record ThresholdResult(ScopeSetting Setting, bool Published);
