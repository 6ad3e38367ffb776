namespace Edge.Cloud.Rollouts;

using Edge.Shared.Config;
using Edge.Shared.Updates;

/// <summary>What devices tell the rollouts: status reports, devices appearing in a scope, and reconnections.</summary>
internal sealed partial class RolloutService
{
    public async Task OnStatusAsync(ModelStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _lastStatus[status.DeviceId] = status;
            foreach (var record in await store.ActiveAsync(cancellationToken))
            {
                if (Array.Exists(record.Devices, d => d.DeviceId == status.DeviceId) && Attribute(record.Info, status) is { } state)
                {
                    await store.UpdateDeviceAsync(record.Info.Id, status, state, time.GetUtcNow(), cancellationToken);
                    RolloutsLog.DeviceState(logger, record.Info.Id, status.DeviceId, state);
                    await EvaluateLockedAsync(record.Info.Id, cancellationToken);
                    Updated?.Invoke(record.Info.Id);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A device that reports for the first time inside an active rollout's scope joins it.</summary>
    public async Task OnDeviceReportedAsync(ReportedConfig device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var record in await store.ActiveAsync(cancellationToken))
            {
                var rollout = record.Info;
                if (!RolloutPlan.Of(rollout).Covers(device) || Array.Exists(record.Devices, d => d.DeviceId == device.DeviceId))
                {
                    continue;
                }

                // Before expansion a newcomer tops the canaries up to their share of the grown scope, else it waits.
                var canaries = record.Devices.Count(d => d.Phase == RolloutPhase.Canary);
                var phase = !record.Expanded && canaries < RolloutPlanner.CanaryCount(record.Devices.Length + 1, rollout.CanaryPercent)
                    ? RolloutPhase.Canary
                    : RolloutPhase.Main;
                if (!await store.AddDeviceAsync(rollout.Id, device.DeviceId, phase, time.GetUtcNow(), cancellationToken))
                {
                    continue;
                }

                RolloutsLog.Joined(logger, rollout.Id, device.DeviceId, phase);
                await SeedAsync(rollout, [device.DeviceId], cancellationToken);
                if ((phase == RolloutPhase.Canary && rollout.State == RolloutState.Canary) || rollout.State == RolloutState.Expanding)
                {
                    var package = await packages.GetOrBuildAsync(rollout.Model, rollout.Version, rollout.AllowRollback, cancellationToken);
                    await PublishDesiredAsync(rollout.Id, package, [device.DeviceId], cancellationToken);
                }

                Updated?.Invoke(rollout.Id);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// After a (re)connection: the embedded broker forgot its retained messages when it restarted, and a publish may
    /// have failed while it was away. Sends every desired package again and re-clears aborted ones.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection dropped meanwhile (the client then reconnects and retries).</exception>
    public async Task RepublishAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var covered = new HashSet<string>(StringComparer.Ordinal);
            var published = 0;
            foreach (var record in await store.ActiveAsync(cancellationToken))
            {
                StoredPackage package;
                try
                {
                    package = await packages.GetOrBuildAsync(record.Info.Model, record.Info.Version, record.Info.AllowRollback, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One broken package must not keep the cloud's MQTT connection from coming up.
                    RolloutsLog.EventFailed(logger, ex);
                    continue;
                }

                foreach (var device in record.Devices.Where(d => d.Desired))
                {
                    covered.Add(device.DeviceId);
                    published++;
                    if (!await desired.PublishAsync(device.DeviceId, record.Info.Id, package, cancellationToken))
                    {
                        throw new InvalidOperationException("the connection dropped while republishing model desired");
                    }
                }
            }

            var cleared = 0;
            foreach (var deviceId in await store.AbortedPendingDevicesAsync(cancellationToken))
            {
                if (covered.Add(deviceId))
                {
                    cleared++;
                    await desired.ClearAsync(deviceId, cancellationToken);
                }
            }

            RolloutsLog.Republished(logger, published, cleared);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Which state a status means for this rollout, or null when it is about something else: another rollout, another
    /// model, or (without a rollout id) another version or a time before the rollout began.
    /// </summary>
    private static UpdateState? Attribute(Rollout rollout, ModelStatus status)
    {
        // A device already running the version has applied it, whichever rollout (if any) it last reported for.
        var sameModel = status.ModelName is null || status.ModelName == rollout.Model;
        if (sameModel && status.RunningVersion == rollout.Version && status.State is UpdateState.Applied or UpdateState.Idle)
        {
            return UpdateState.Applied;
        }

        // A report naming the rollout counts even from a device running another model, but only as a failure:
        // refusing the package (WrongModel) must fail the device, not leave the rollout waiting for it forever,
        // and such a device can never have applied it.
        if (status.RolloutId is { } id)
        {
            // Applied only from the model and version the rollout ships (the agent reports the version it now runs).
            return id != rollout.Id ? null
                : status.State is UpdateState.Failed or UpdateState.RolledBack ? status.State
                : !sameModel ? null
                : status.State == UpdateState.Applied && status.RunningVersion != rollout.Version ? null
                : status.State;
        }

        return sameModel && status.TargetVersion == rollout.Version && status.At >= rollout.CreatedAt ? status.State : null;
    }

    /// <summary>Takes the last status of newly targeted devices into account (one already running the version is done).</summary>
    private async Task SeedAsync(Rollout rollout, IEnumerable<string> deviceIds, CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var deviceId in deviceIds)
        {
            if (_lastStatus.TryGetValue(deviceId, out var status) && Attribute(rollout, status) is { } state)
            {
                await store.UpdateDeviceAsync(rollout.Id, status, state, time.GetUtcNow(), cancellationToken);
                any = true;
            }
        }

        if (any)
        {
            await EvaluateLockedAsync(rollout.Id, cancellationToken);
        }
    }

    private async Task EvaluateLockedAsync(string id, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(id, cancellationToken);
        if (record is null || RolloutPlanner.Evaluate(record) is not { } decision)
        {
            return;
        }

        var expanded = record.Expanded || decision.State is RolloutState.Expanding or RolloutState.Completed;
        await store.SetStateAsync(id, decision.State, decision.Reason, expanded, time.GetUtcNow(), cancellationToken);
        RolloutsLog.StateChanged(logger, id, record.Info.State, decision.State, decision.Reason);
        if (decision.State == RolloutState.Expanding)
        {
            var package = await packages.GetOrBuildAsync(record.Info.Model, record.Info.Version, record.Info.AllowRollback, cancellationToken);
            await PublishDesiredAsync(id, package, [.. record.Devices.Where(d => !d.Desired).Select(d => d.DeviceId)], cancellationToken);
        }
    }
}
