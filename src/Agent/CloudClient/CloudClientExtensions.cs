namespace Edge.Agent.CloudClient;

using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

internal static partial class CloudClientExtensions
{
    public const string PipelineName = "cloud";

    /// <summary>
    /// Typed client with, outermost first: the overall deadline, retry (exponential backoff with jitter,
    /// transient failures only, never 429), the circuit breaker, and the per-attempt timeout.
    /// </summary>
    public static IHostApplicationBuilder AddCloudClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CloudOptions>()
            .BindConfiguration(CloudOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AttemptTimeout <= o.Deadline, "Cloud:AttemptTimeout must not exceed Cloud:Deadline")
            .ValidateOnStart();
        builder.Services.AddSingleton<CloudThrottle>();
        builder.Services.AddSingleton<CloudCircuit>();
        builder.Services.AddSingleton<CloudInferenceClient>();
        builder.Services
            .AddHttpClient(PipelineName, (services, client) =>
            {
                var o = services.GetRequiredService<IOptions<CloudOptions>>().Value;
                client.BaseAddress = new Uri(o.BaseUrl.EndsWith('/') ? o.BaseUrl : o.BaseUrl + "/");
                client.Timeout = o.Deadline + TimeSpan.FromSeconds(1);
            })
            .AddResilienceHandler(PipelineName, ConfigurePipeline);
        return builder;
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var o = context.ServiceProvider.GetRequiredService<IOptions<CloudOptions>>().Value;
        var circuit = context.ServiceProvider.GetRequiredService<CloudCircuit>();
        var logger = context.ServiceProvider.GetRequiredService<ILogger<CloudInferenceClient>>();
        pipeline
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = o.Deadline, Name = "deadline" })
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(o.MaxRetries > 0 && IsTransientFailure(args.Outcome)),
                ShouldRetryAfterHeader = false,
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakerBreakDuration,
                StateProvider = circuit.StateProvider,
                ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome)),
                OnOpened = args =>
                {
                    BreakerOpened(logger, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    BreakerClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = o.AttemptTimeout, Name = "attempt" });
    }

    /// <summary>5xx, 408, connection failures and attempt timeouts. A 429 is the cloud's deliberate answer, handled by <see cref="CloudThrottle"/>.</summary>
    private static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: HttpStatusCode.TooManyRequests } => false,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Cloud circuit opened for {Seconds:F1} s: answering LocalDegraded without calling the cloud")]
    private static partial void BreakerOpened(ILogger logger, double seconds);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Cloud circuit closed: the cloud answers again")]
    private static partial void BreakerClosed(ILogger logger);
}
