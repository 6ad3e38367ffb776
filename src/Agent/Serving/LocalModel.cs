namespace Edge.Agent.Serving;

using Edge.Agent.Updater;
using Edge.Inference;
using Microsoft.Extensions.Options;

/// <summary>
/// The model the agent serves. Loaded once when first resolved (the <see cref="ModelLoader"/> resolves it at
/// start, so a bad model stops the agent with its reason instead of failing the first request); an update or a
/// rollback replaces it with <see cref="Swap(ServedModel)"/> while requests keep running.
/// </summary>
/// <remarks>
/// Readers take <see cref="Current"/> once per request. A swap publishes the new model before anyone disposes the
/// old one, so a request that finds its model disposed can always re-read and get a live one.
/// </remarks>
internal sealed class LocalModel : IModelInfo, IDisposable
{
    private readonly Lock _swapGate = new();
    private ServedModel _current;

    public LocalModel(IOptions<ServingOptions> options, ILogger<LocalModel> logger, StartupModelSelector? startup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        var model = startup is null ? OnnxModel.Load(o.ResolvedManifestPath(), o.ToModelOptions(), logger) : startup.Load();
        _current = new ServedModel(model);
    }

    public event Action? Changed;

    public ServedModel Current => Volatile.Read(ref _current);

    public OnnxModel Model => Current.Model;

    public string ModelName => Model.Name;

    public string ModelVersion => Model.Version;

    public string ExecutionProvider => Model.ExecutionProvider;

    /// <summary>Serves <paramref name="next"/> from now on and returns the model it replaced; the caller disposes that one.</summary>
    public OnnxModel Swap(OnnxModel next) => Swap(new ServedModel(next)).Model;

    /// <inheritdoc cref="Swap(OnnxModel)"/>
    public ServedModel Swap(ServedModel next)
    {
        ArgumentNullException.ThrowIfNull(next);
        ServedModel previous;
        lock (_swapGate)
        {
            previous = _current;
            Volatile.Write(ref _current, next);
        }

        Changed?.Invoke();
        return previous;
    }

    public void Dispose() => Current.Model.Dispose();
}
