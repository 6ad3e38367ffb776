namespace Edge.Cloud.Fallback;

using Edge.Cloud.Admission;
using Edge.Inference;
using Microsoft.Extensions.Options;

/// <summary>
/// Loads the cloud model at startup and holds it. A model that fails to load does not stop the process (thresholds
/// and config sync still work); <c>/v1/infer</c> then answers 503 with <see cref="LoadError"/> and
/// <c>/healthz</c> reports it.
/// </summary>
internal sealed partial class CloudModel(
    IOptions<CloudInferenceOptions> options,
    IOptions<AdmissionOptions> admission,
    IHostEnvironment environment,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<CloudModel>();
    private OnnxModel? _model;

    public OnnxModel? Model => Volatile.Read(ref _model);

    /// <summary><c>name@version</c>, as every answer reports it.</summary>
    public string? Id { get; private set; }

    public string? LoadError { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var manifest = Path.IsPathRooted(o.Manifest) ? o.Manifest : Path.Combine(environment.ContentRootPath, o.Manifest);
        var modelOptions = new OnnxModelOptions
        {
            IntraOpThreads = o.IntraOpThreads,
            Slots = o.Slots > 0 ? o.Slots : admission.Value.MaxConcurrency,
            MaxBatch = 1,
            TopK = o.TopK,
            MaxImagePixels = o.MaxImagePixels,
            OnnxRuntimePath = o.OnnxRuntimePath,
            VerifyGolden = o.VerifyGolden,
        };
        try
        {
            var model = OnnxModel.Load(manifest, modelOptions, _logger);
            Id = $"{model.Name}@{model.Version}";
            Volatile.Write(ref _model, model);
        }
        catch (Exception ex)
        {
            LoadError = ex.Message;
            LogLoadFailed(_logger, ex, manifest);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _model?.Dispose();

    [LoggerMessage(EventId = 1501, Level = LogLevel.Error, Message = "Cloud model {Manifest} failed to load; /v1/infer answers 503 until it is fixed and the service restarted")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string manifest);
}
