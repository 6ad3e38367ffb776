namespace Edge.Agent.Tests.Support;

using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

/// <summary>
/// A <see cref="FakeLogCollector"/> a test can await: <see cref="WaitForAsync"/> completes on the first record that
/// matches, woken by each record as it is collected (for code whose only signal is what it logs).
/// </summary>
internal sealed class AwaitableLogCollector : FakeLogCollector
{
    private readonly Pulse _pulse;

    public AwaitableLogCollector()
        : this(new Pulse())
    {
    }

    private AwaitableLogCollector(Pulse pulse)
        : base(Options.Create(new FakeLogCollectorOptions { OutputSink = _ => pulse.Fire() })) => _pulse = pulse;

    /// <summary>The first record, logged before or after the call, that satisfies <paramref name="match"/>.</summary>
    public async Task<FakeLogRecord> WaitForAsync(Func<FakeLogRecord, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before looking, so a record collected in between still wakes this wait.
            var next = _pulse.Next;
            if (GetSnapshot().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    public Task<FakeLogRecord> WaitForEventAsync(int eventId, CancellationToken cancellationToken) =>
        WaitForAsync(r => r.Id.Id == eventId, cancellationToken);

    /// <summary>Completes the current task whenever a record is collected (the collector calls its sink after storing it).</summary>
    private sealed class Pulse
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Fire() =>
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
