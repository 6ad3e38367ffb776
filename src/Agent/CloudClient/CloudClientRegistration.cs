namespace Edge.Agent.CloudClient;

using System.Net;
using Edge.Agent.Tls;
using Edge.Shared.Tls;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;
using Polly.Timeout;

internal static class CloudClientRegistration
{
    public const string PipelineName = "cloud";

    /// <summary>
    /// Typed client with, outermost first: the overall deadline, retry (exponential backoff with jitter,
    /// transient failures only, never 429), the circuit breaker, and the per-attempt timeout.
    /// </summary>
    public static IHostApplicationBuilder AddCloudClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CloudClientOptions>()
            .BindConfiguration(CloudClientOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AttemptTimeout <= o.Deadline, "Cloud:AttemptTimeout must not exceed Cloud:Deadline")
            .ValidateOnStart();
        builder.Services.AddSingleton<CloudThrottle>();
        builder.Services.AddSingleton<CloudCircuit>();
        builder.Services.AddSingleton<CloudInferenceClient>();
        builder.Services.AddHostedService<InsecureLinksLog>();

        // While the cloud is down every request fails the same way; the breaker's state changes (logged by
        // CloudCircuit) and the LocalDegraded counters say it once, so Polly's per-attempt events stay at Debug.
        builder.Services.Configure<TelemetryOptions>(t => t.SeverityProvider = CloudTelemetry.Severity(t.SeverityProvider));
        builder.Services
            .AddHttpClient(PipelineName, (services, client) =>
            {
                var o = services.GetRequiredService<IOptions<CloudClientOptions>>().Value;
                client.BaseAddress = new Uri(o.BaseUrl.EndsWith('/') ? o.BaseUrl : o.BaseUrl + "/");
                client.Timeout = o.Deadline + TimeSpan.FromSeconds(1);
                DeviceCredentialsFile.Authorize(client, o);
            })

            .ConfigurePrimaryHttpMessageHandler((handler, services) => ConfigureTls(handler, services.GetRequiredService<IOptions<CloudClientOptions>>().Value))

            // The default HttpClient logging writes a warning with a stack trace for every refused connection.
            .RemoveAllLoggers()
            .AddResilienceHandler(PipelineName, ConfigurePipeline);
        return builder;
    }

    /// <summary>Cloud:CaCertificatePath and the client certificate, on whichever handler the factory made (see <see cref="ClientTls"/>).</summary>
    private static void ConfigureTls(HttpMessageHandler handler, CloudClientOptions o)
    {
        var validation = ClientTls.ServerValidation(CloudClientOptions.Section, o.CaCertificatePath);
        var certificate = ClientTls.ClientCertificate(CloudClientOptions.Section, o.ClientCertificatePath, o.ClientKeyPath);
        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.SslOptions.RemoteCertificateValidationCallback = validation ?? sockets.SslOptions.RemoteCertificateValidationCallback;
                if (certificate is not null)
                {
                    sockets.SslOptions.ClientCertificates = [certificate];
                }

                break;
            case HttpClientHandler client:
                if (validation is not null)
                {
                    client.ServerCertificateCustomValidationCallback = (request, cert, chain, errors) => validation(request, cert, chain, errors);
                }

                if (certificate is not null)
                {
                    client.ClientCertificateOptions = ClientCertificateOption.Manual;
                    client.ClientCertificates.Add(certificate);
                }

                break;
            default:
                throw new InvalidOperationException($"the cloud client's handler {handler.GetType().Name} cannot be given TLS settings");
        }
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var o = context.ServiceProvider.GetRequiredService<IOptions<CloudClientOptions>>().Value;
        var circuit = context.ServiceProvider.GetRequiredService<CloudCircuit>();
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
            .AddCircuitBreaker(circuit.CreateStrategyOptions(o, args => ValueTask.FromResult(IsTransientFailure(args.Outcome))))
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
}
