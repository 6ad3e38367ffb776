namespace Edge.TestSupport.Logging;

using System.Collections.Concurrent;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;

/// <summary>
/// What one cloud or agent logged through Serilog, for tests of log lines that have no other signal (a warning at
/// start). <see cref="Settings"/> plugs it in through configuration, the way the process reads its own sinks, so the
/// host under test is built exactly as in production.
/// </summary>
public sealed class CollectedLog : ILogEventSink
{
    private static readonly ConcurrentDictionary<string, CollectedLog> Open = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(LogEventLevel Level, int? EventId, string Message)> _events = new();

    private CollectedLog(string key) => Key = key;

    public string Key { get; }

    /// <summary>Configuration entries that add this sink (merge them into the host's overrides).</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Serilog:Using:90"] = typeof(CollectedLog).Assembly.GetName().Name,
        ["Serilog:WriteTo:90:Name"] = nameof(CollectedLogSink.CollectedLog),
        ["Serilog:WriteTo:90:Args:key"] = Key,
    };

    public IReadOnlyList<(LogEventLevel Level, int? EventId, string Message)> Events => [.. _events];

    public static CollectedLog Create()
    {
        var log = new CollectedLog(Guid.NewGuid().ToString("N"));
        Open[log.Key] = log;
        return log;
    }

    internal static CollectedLog Find(string key) => Open.TryGetValue(key, out var log) ? log : throw new InvalidOperationException($"no collected log '{key}'");

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        int? id = logEvent.Properties.TryGetValue("EventId", out var value) && value is StructureValue s &&
                  s.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int number }
            ? number
            : null;
        _events.Enqueue((logEvent.Level, id, logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }
}

/// <summary>The configuration method Serilog finds by name (<c>Serilog:WriteTo:N:Name</c>).</summary>
public static class CollectedLogSink
{
    public static LoggerConfiguration CollectedLog(this LoggerSinkConfiguration sink, string key)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return sink.Sink(Logging.CollectedLog.Find(key));
    }
}
