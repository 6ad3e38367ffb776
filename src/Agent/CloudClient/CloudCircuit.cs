namespace Edge.Agent.CloudClient;

using Polly.CircuitBreaker;

/// <summary>The cloud circuit breaker's state, for <c>/metrics</c> and <c>/v1/status</c>.</summary>
internal sealed class CloudCircuit
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
}
