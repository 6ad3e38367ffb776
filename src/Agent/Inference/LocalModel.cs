namespace Edge.Agent.Inference;

using Edge.Inference;
using Microsoft.Extensions.Options;

/// <summary>
/// The model the agent serves. Loaded once when first resolved (the <see cref="ModelLoader"/> resolves it at
/// start, so a bad model stops the agent with its reason instead of failing the first request).
/// </summary>
internal sealed class LocalModel : IModelInfo, IDisposable
{
    public LocalModel(IOptions<InferenceOptions> options, ILogger<LocalModel> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        Model = OnnxModel.Load(o.ResolvedManifestPath(), o.ToModelOptions(), logger);
    }

    public OnnxModel Model { get; }

    public string ModelName => Model.Name;

    public string ModelVersion => Model.Version;

    public string ExecutionProvider => Model.ExecutionProvider;

    public void Dispose() => Model.Dispose();
}
