namespace Edge.Agent.Tests.Mqtt;

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

/// <summary>Records log events and lets a test await one by id (the connection's only signal for a failed attempt).</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _seen = new();

    public ConcurrentQueue<string> Lines { get; } = new();

    public Task WaitForEventAsync(int eventId, CancellationToken cancellationToken) =>
        Signal(eventId).Task.WaitAsync(cancellationToken);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}");
        Signal(eventId.Id).TrySetResult();
    }

    private TaskCompletionSource Signal(int eventId) =>
        _seen.GetOrAdd(eventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
