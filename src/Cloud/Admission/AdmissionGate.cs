namespace Edge.Cloud.Admission;

using Microsoft.Extensions.Options;

/// <summary>
/// Bounded concurrency plus a bounded queue in front of inference. A request beyond both is refused at once
/// (the caller answers 429) instead of waiting: piling requests up only turns overload into timeouts.
/// Resolve it from DI to hold permits in tests (<see cref="TryEnter"/>) and force refusals deterministically.
/// </summary>
internal sealed class AdmissionGate : IDisposable
{
    private readonly SemaphoreSlim _running;
    private readonly int _capacity;
    private int _admitted;

    public AdmissionGate(IOptions<AdmissionOptions> options)
    {
        var o = options.Value;
        MaxConcurrency = o.MaxConcurrency;
        MaxQueue = o.MaxQueue;
        _capacity = o.MaxConcurrency + o.MaxQueue;
        _running = new SemaphoreSlim(o.MaxConcurrency, o.MaxConcurrency);
    }

    public int MaxConcurrency { get; }

    public int MaxQueue { get; }

    /// <summary>Requests holding a running permit.</summary>
    public int Running => MaxConcurrency - _running.CurrentCount;

    /// <summary>Requests admitted and waiting for a running permit.</summary>
    public int Queued => Math.Max(0, Volatile.Read(ref _admitted) - Running);

    /// <summary>
    /// Admits the caller to run now or to wait in the queue; a lease that is not <see cref="AdmissionLease.Admitted"/>
    /// means the queue is full. Dispose an admitted lease exactly once when the work is done.
    /// </summary>
    public ValueTask<AdmissionLease> EnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return ValueTask.FromResult(default(AdmissionLease));
        }

        // Fast path without a state machine: a free slot is taken synchronously.
        return _running.Wait(0, CancellationToken.None) ? ValueTask.FromResult(new AdmissionLease(this)) : WaitAsync(cancellationToken);
    }

    /// <summary>Takes a running permit only if one is free now, never queueing.</summary>
    public AdmissionLease TryEnter()
    {
        if (Interlocked.Increment(ref _admitted) > _capacity || !_running.Wait(0))
        {
            Interlocked.Decrement(ref _admitted);
            return default;
        }

        return new AdmissionLease(this);
    }

    public void Dispose() => _running.Dispose();

    internal void Exit()
    {
        Interlocked.Decrement(ref _admitted);
        try
        {
            _running.Release();
        }
        catch (ObjectDisposedException)
        {
            // The host disposed the gate while this request was still finishing; nobody is left to admit.
        }
    }

    private async ValueTask<AdmissionLease> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _running.WaitAsync(cancellationToken);
            return new AdmissionLease(this);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }
    }
}

/// <summary>A running permit from <see cref="AdmissionGate"/>; <c>default</c> means refused. Dispose once.</summary>
internal readonly struct AdmissionLease : IDisposable
{
    private readonly AdmissionGate? _gate;

    internal AdmissionLease(AdmissionGate gate) => _gate = gate;

    public bool Admitted => _gate is not null;

    public void Dispose() => _gate?.Exit();
}
