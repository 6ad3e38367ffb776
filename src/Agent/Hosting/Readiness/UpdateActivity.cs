namespace Edge.Agent.Hosting.Readiness;

/// <summary>
/// Lets whatever changes the device (model hot-swap, OTA) say so, for the status LED's "updating" pattern and
/// <c>/v1/status/device</c>: <c>using (activity.Begin("model digits-edge 2.0.0")) { … }</c>.
/// </summary>
internal interface IUpdateActivity
{
    /// <summary>What is being updated right now, or null.</summary>
    string? Current { get; }

    /// <summary>Marks an update as running until the returned scope is disposed; scopes may overlap.</summary>
    IDisposable Begin(string what);
}

internal sealed class UpdateActivity : IUpdateActivity
{
    private readonly Lock _gate = new();
    private readonly List<string> _running = [];

    public string? Current
    {
        get
        {
            lock (_gate)
            {
                return _running.Count == 0 ? null : _running[^1];
            }
        }
    }

    public IDisposable Begin(string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        lock (_gate)
        {
            _running.Add(what);
        }

        return new Scope(this, what);
    }

    private void End(string what)
    {
        lock (_gate)
        {
            _running.Remove(what);
        }
    }

    private sealed class Scope(UpdateActivity owner, string what) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.End(what);
            }
        }
    }
}
