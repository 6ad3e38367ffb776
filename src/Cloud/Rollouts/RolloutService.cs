namespace Edge.Cloud.Rollouts;

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Edge.Cloud.Devices;
using Edge.Cloud.Models;
using Edge.Shared.Config;
using Edge.Shared.Updates;
using Microsoft.AspNetCore.Http;

/// <summary>
/// The rollout state machine (docs/updates.md). Every change — operator calls, device status, devices joining,
/// republishing — runs under one gate, so two changes never interleave on a rollout's rows and desired messages.
/// Never called from the MQTT receive path (it publishes): handlers hand off to <see cref="RolloutWorker"/>.
/// </summary>
internal sealed partial class RolloutService(
    RolloutStore store,
    PackageStore packages,
    ModelStore models,
    ReportedConfigStore devices,
    DesiredModelPublisher desired,
    TimeProvider time,
    ILogger<RolloutService> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    // The last status each device reported, for rollouts created after it (a retained status arrives only once).
    private readonly ConcurrentDictionary<string, ModelStatus> _lastStatus = new(StringComparer.Ordinal);

    /// <summary>Raised with a rollout's id after any change to it (state or a device row).</summary>
    public event Action<string>? Updated;

    public async Task<Rollout> CreateAsync(RolloutPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!await models.ExistsAsync(plan.Model, plan.Version, cancellationToken))
        {
            throw new RolloutException(StatusCodes.Status404NotFound, "Not found", $"model {plan.Model} version {plan.Version} is not published (POST /v1/models/{plan.Model}/{plan.Version} first)");
        }

        var package = await PackageAsync(plan.Model, plan.Version, plan.AllowRollback, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var active = await store.ActiveAsync(cancellationToken);
            if (active.Find(r => r.Info.Model == plan.Model && r.Info.Scope == plan.Scope && r.Info.Target == plan.Target) is { } existing)
            {
                throw RolloutException.Conflict(
                    $"rollout {existing.Info.Id} of {existing.Info.Model} {existing.Info.Version} to {Describe(plan)} is still {existing.Info.State}; abort it or let it complete first");
            }

            var targets = await TargetsAsync(plan, cancellationToken);
            var canaries = RolloutPlanner.PickCanaries(targets, plan.CanaryPercent);
            var now = time.GetUtcNow();
            var rollout = new Rollout
            {
                Id = "r-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
                Model = plan.Model,
                Version = plan.Version,
                Scope = plan.Scope,
                Target = plan.Target,
                CanaryPercent = plan.CanaryPercent,
                MaxFailureShare = plan.MaxFailureShare,
                AllowRollback = plan.AllowRollback,
                State = RolloutState.Canary,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await store.InsertAsync(rollout, [.. targets.Select(id => (id, canaries.Contains(id) ? RolloutPhase.Canary : RolloutPhase.Main))], cancellationToken);
            var scopeName = plan.Scope.ToString();
            RolloutsLog.Created(logger, rollout.Id, plan.Model, plan.Version, scopeName, plan.Target, targets.Count, canaries.Count);

            // Stored first: a request cancelled now must not leave rows that say "desired" for messages never sent.
            await PublishDesiredAsync(rollout.Id, package, [.. canaries], CancellationToken.None);
            await SeedAsync(rollout, targets, CancellationToken.None);
            Updated?.Invoke(rollout.Id);
            return await GetAsync(rollout.Id, CancellationToken.None) ?? throw new InvalidOperationException("the rollout vanished");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<Rollout?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(id, cancellationToken);
        if (record is not null)
        {
            record.Info.Devices = record.Devices;
        }

        return record?.Info;
    }

    public async Task<Rollout[]> ListAsync(CancellationToken cancellationToken) => [.. (await store.ListAsync(cancellationToken)).Select(r => r.Info)];

    public async Task<Rollout> ResumeAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var record = await store.GetAsync(id, cancellationToken) ?? throw RolloutException.NotFound(id);
            if (record.Info.State != RolloutState.Halted)
            {
                throw RolloutException.Conflict($"rollout {id} is {record.Info.State}; only a Halted rollout can be resumed");
            }

            // Built before any state changes, so a failed build (503) or a caller that went away leaves the rollout Halted.
            var package = await PackageAsync(record.Info.Model, record.Info.Version, record.Info.AllowRollback, cancellationToken);

            // The devices failed so far are acknowledged: only other devices' failures (or theirs again) count towards the next halt.
            var state = record.Expanded ? RolloutState.Expanding : RolloutState.Canary;
            await store.AcknowledgeFailuresAsync(id, CancellationToken.None);
            await store.SetStateAsync(id, state, null, record.Expanded, time.GetUtcNow(), CancellationToken.None);
            RolloutsLog.StateChanged(logger, id, RolloutState.Halted, state, "resumed by the operator");
            var pending = record.Devices.Where(d => d.State != UpdateState.Applied && (record.Expanded || d.Phase == RolloutPhase.Canary)).Select(d => d.DeviceId);
            await PublishDesiredAsync(id, package, [.. pending], CancellationToken.None);
            await EvaluateLockedAsync(id, CancellationToken.None);
            Updated?.Invoke(id);
            return await GetAsync(id, CancellationToken.None) ?? throw RolloutException.NotFound(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<Rollout> AbortAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var record = await store.GetAsync(id, cancellationToken) ?? throw RolloutException.NotFound(id);
            if (record.Info.State is RolloutState.Completed or RolloutState.Aborted)
            {
                throw RolloutException.Conflict($"rollout {id} is already {record.Info.State}");
            }

            await store.SetStateAsync(id, RolloutState.Aborted, "aborted by the operator", record.Expanded, time.GetUtcNow(), CancellationToken.None);
            RolloutsLog.StateChanged(logger, id, record.Info.State, RolloutState.Aborted, "by the operator");

            // A device another active rollout already took over keeps that one's desired package.
            var elsewhere = (await store.ActiveAsync(CancellationToken.None)).SelectMany(r => r.Devices.Where(d => d.Desired).Select(d => d.DeviceId)).ToHashSet(StringComparer.Ordinal);
            foreach (var device in record.Devices.Where(d => d.Desired && d.State != UpdateState.Applied && !elsewhere.Contains(d.DeviceId)))
            {
                await desired.ClearAsync(device.DeviceId, CancellationToken.None);
            }

            Updated?.Invoke(id);
            return await GetAsync(id, CancellationToken.None) ?? throw RolloutException.NotFound(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Completes with the rollout once it satisfies <paramref name="predicate"/> (at once if it does now).</summary>
    public async Task<Rollout> WaitForAsync(string id, Func<Rollout, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var changed = new SemaphoreSlim(0);
        void OnUpdated(string updated)
        {
            if (updated == id)
            {
                changed.Release();
            }
        }

        Updated += OnUpdated;
        try
        {
            while (true)
            {
                if (await GetAsync(id, cancellationToken) is { } rollout && predicate(rollout))
                {
                    return rollout;
                }

                await changed.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            Updated -= OnUpdated;
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<StoredPackage> PackageAsync(string model, string version, bool allowDowngrade, CancellationToken cancellationToken)
    {
        try
        {
            return await packages.GetOrBuildAsync(model, version, allowDowngrade, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RolloutException(StatusCodes.Status503ServiceUnavailable, "Package unavailable", $"the package for {model} {version} cannot be built: {ex.Message}");
        }
    }

    private async Task<List<string>> TargetsAsync(RolloutPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Scope == ConfigScope.Device)
        {
            // Targeted even if it never reported: it gets the retained desired whenever it connects.
            return [plan.Target!];
        }

        return [.. (await devices.GetAllAsync(cancellationToken)).Where(plan.Covers).Select(d => d.DeviceId)];
    }

    private async Task PublishDesiredAsync(string rolloutId, StoredPackage package, string[] deviceIds, CancellationToken cancellationToken)
    {
        if (deviceIds.Length == 0)
        {
            return;
        }

        await store.MarkDesiredAsync(rolloutId, deviceIds, time.GetUtcNow(), cancellationToken);
        foreach (var deviceId in deviceIds)
        {
            await desired.PublishAsync(deviceId, rolloutId, package, cancellationToken);
        }
    }

    private static string Describe(RolloutPlan plan) => plan.Scope == ConfigScope.Fleet ? "the fleet" : $"{plan.Scope.ToString().ToLowerInvariant()} {plan.Target}";
}
