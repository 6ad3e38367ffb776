namespace Edge.Agent.CloudClient;

using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;

/// <summary>
/// The cloud circuit breaker's state, for <c>/metrics</c> and <c>/v1/status</c>, and its one log line per
/// state change: while the cloud is down that line is the whole story, not one error per failed request.
/// </summary>
internal sealed partial class CloudCircuit(ILogger<CloudCircuit> logger)
{
    public CircuitBreakerStateProvider StateProvider { get; } = new();

    /// <summary>Closed until the pipeline is first built (on the first cloud call).</summary>
    public CircuitState State
    {
        get
        {
            try
            {
                return StateProvider.CircuitState;
            }
            catch (InvalidOperationException)
            {
                return CircuitState.Closed;
            }
        }
    }

    public HttpCircuitBreakerStrategyOptions CreateStrategyOptions(CloudClientOptions o, Func<CircuitBreakerPredicateArguments<HttpResponseMessage>, ValueTask<bool>> shouldHandle)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = o.BreakerFailureRatio,
            MinimumThroughput = o.BreakerMinimumThroughput,
            SamplingDuration = o.BreakerSamplingDuration,
            BreakDuration = o.BreakerBreakDuration,
            StateProvider = StateProvider,
            ShouldHandle = shouldHandle,
            OnOpened = args =>
            {
                Opened(logger, args.BreakDuration.TotalSeconds, Describe(args.Outcome));
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                HalfOpened(logger);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                Closed(logger);
                return ValueTask.CompletedTask;
            },
        };
    }

    /// <summary>The failure that tripped the breaker, in one line (the exception's message, never its stack).</summary>
    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: { } e } => e.Message,
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "unknown",
    };

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Cloud circuit opened for {Seconds:F1} s after {LastFailure}: answering LocalDegraded without calling the cloud")]
    private static partial void Opened(ILogger logger, double seconds, string lastFailure);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Cloud circuit half-open: probing the cloud")]
    private static partial void HalfOpened(ILogger logger);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Cloud circuit closed: the cloud answers again")]
    private static partial void Closed(ILogger logger);
}
