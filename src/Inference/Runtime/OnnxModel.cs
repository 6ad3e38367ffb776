namespace Edge.Inference;

using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Shared.Config;
using Edge.Shared.Models;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

/// <summary>
/// A loaded model: verified manifest, one ONNX Runtime session with the configured execution providers, its
/// preprocessor, and a pool of <see cref="InferenceSlot"/>s. Safe to use from many threads at once.
/// </summary>
/// <remarks>
/// Disposing while callers hold slots (shutdown, a model swap) must not free tensors or the session under a
/// running inference: every rented slot holds a lease, and the native resources go with the last lease.
/// Callers still waiting for a slot get an <see cref="ObjectDisposedException"/> instead of waiting forever.
/// </remarks>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _sessionOptions;
    private readonly ConcurrentQueue<InferenceSlot> _free = new();
    private readonly SemaphoreSlim _available;
    private readonly InferenceSlot[] _slots;
    private int _disposed;

    // One for the owner (dropped by Dispose) plus one per rented slot; native resources are freed at zero.
    private int _leases = 1;

    private OnnxModel(ModelFile file, OnnxModelOptions options, ILogger logger)
    {
        Manifest = file.Manifest;
        ManifestPath = file.ManifestPath;
        ModelPath = file.ModelPath;
        Preprocessor = new Preprocessor(Manifest.Input, options.MaxImagePixels);
        Time = options.TimeProvider ?? TimeProvider.System;
        _sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            LogId = Manifest.Name,
        };
        try
        {
            ExecutionProviders = ExecutionProviderChain.Configure(_sessionOptions, options.ExecutionProviders, options.ProviderOptions, logger);
            _session = new InferenceSession(file.ModelBytes, _sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            _sessionOptions.Dispose();
            throw new ModelLoadException($"ONNX Runtime cannot load '{ModelPath}': {e.Message}", e);
        }

        try
        {
            OutputKind = ResolveOutputKind(file);
            if (OutputKind == OutputKind.Sigmoid && ClassCount != 2)
            {
                throw new ModelLoadException(
                    $"'{ModelPath}' output '{Manifest.Output.Name}' is a sigmoid, which needs exactly 2 labels (for → 0 and → 1); the manifest has {ClassCount}");
            }

            MaxBatch = CheckSignature(options.MaxBatch);
            TopK = Math.Clamp(options.TopK, 0, MaxTopK);
            _slots = new InferenceSlot[Math.Max(1, options.Slots)];
            for (var i = 0; i < _slots.Length; i++)
            {
                _slots[i] = new InferenceSlot(this, Manifest.Input.Shape, OutputWidth, ClassCount, MaxBatch, Manifest.Input.ElementType == InputElementTypes.Bytes);
                _free.Enqueue(_slots[i]);
            }

            // No maximum: Dispose adds a permit that waiters pass on to each other to learn the model is gone.
            _available = new SemaphoreSlim(_slots.Length);
        }
        catch
        {
            _session.Dispose();
            _sessionOptions.Dispose();
            throw;
        }
    }

    public ModelManifest Manifest { get; }

    private static string ElementName(TensorElementType type) => type switch
    {
        TensorElementType.Float => InputElementTypes.Floats,
        TensorElementType.UInt8 => InputElementTypes.Bytes,
        var other => other.ToString().ToLowerInvariant(),
    };

    public string ManifestPath { get; }

    public string ModelPath { get; }

    public string Name => Manifest.Name;

    public string Version => Manifest.Version;

    /// <summary>The preferred provider that got the session (the first appended; <c>CPU</c> when none did).</summary>
    public string ExecutionProvider => ExecutionProviders[0];

    /// <summary>Every provider appended, in priority order, ending with <c>CPU</c>.</summary>
    public IReadOnlyList<string> ExecutionProviders { get; }

    public Preprocessor Preprocessor { get; }

    public int ClassCount => Manifest.Labels.Length;

    /// <summary>What the output holds: the manifest's <c>output.kind</c>, or what the graph's last node says when absent.</summary>
    public OutputKind OutputKind { get; }

    /// <summary>Values per sample in the output tensor: <see cref="ClassCount"/>, or 1 for a sigmoid.</summary>
    public int OutputWidth => OutputKind == OutputKind.Sigmoid ? 1 : ClassCount;

    public int MaxBatch { get; }

    /// <summary>Most classes a prediction lists (an answer is not a full distribution over a 1000-class model).</summary>
    public const int MaxTopK = 100;

    /// <summary>Classes each <see cref="Prediction"/> lists with their probabilities (<see cref="OnnxModelOptions.TopK"/>, at most <see cref="MaxTopK"/>).</summary>
    public int TopK { get; }

    public int SlotCount => _slots.Length;

    /// <summary>The clock <see cref="Prediction.RunTime"/> is measured with.</summary>
    internal TimeProvider Time { get; }

    /// <summary>Loads, verifies (hash, input/output names and shapes, golden samples) and warms up a model.</summary>
    public static OnnxModel Load(string manifestPath, OnnxModelOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var started = Stopwatch.GetTimestamp();
        if (!string.IsNullOrWhiteSpace(options.OnnxRuntimePath))
        {
            OnnxRuntimeLibrary.TryUse(options.OnnxRuntimePath, logger);
        }

        var file = ModelFile.Load(manifestPath);
        var model = new OnnxModel(file, options, logger);
        try
        {
            model.WarmUp();
            if (options.VerifyGolden)
            {
                model.VerifyGolden();
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidInputException)
        {
            // A graph ONNX Runtime accepts but cannot run (a Reshape that fits no batch, an op the provider lacks at
            // run time) is a model that cannot be served, reported like every other load failure.
            model.Dispose();
            throw new ModelLoadException($"'{model.ModelPath}' loads but cannot run its first inference: {e.Message}", e);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        InferenceLog.ModelLoaded(
            logger, model.Name, model.Version, model.ModelPath, model.ExecutionProvider, model.SlotCount, model.MaxBatch,
            options.IntraOpThreads, elapsedMs);
        return model;
    }

    public string Label(int classIndex) => Manifest.Labels[classIndex];

    /// <summary>
    /// The whole local inference in one call: rent a slot (waiting while all are busy), preprocess, run, score with
    /// the manifest's temperature, label. Allocates nothing when a slot is free.
    /// </summary>
    /// <exception cref="InvalidInputException">The input does not fit this model (→ 400); nothing ran.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed (a swap replaced it, or the host is stopping).</exception>
    public async ValueTask<Prediction> PredictAsync(PredictionInput input, ScoreFunction function, CancellationToken cancellationToken = default)
    {
        using var slot = await RentAsync(cancellationToken).ConfigureAwait(false);
        return slot.Predict(input, function);
    }

    /// <summary>
    /// Runs the manifest's golden samples through this process's preprocessing and session; throws
    /// <see cref="ModelLoadException"/> when one answers differently from the export. <see cref="Load"/> does it
    /// unless <see cref="OnnxModelOptions.VerifyGolden"/> is off; a self-test of a model loaded without it calls this.
    /// </summary>
    public void VerifyGolden() => GoldenCheck.Verify(this);

    /// <summary>Waits for a free slot (all busy means as many inferences are already running as there are slots).</summary>
    public async ValueTask<InferenceSlot> RentAsync(CancellationToken cancellationToken = default)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Take();
    }

    public InferenceSlot Rent()
    {
        _available.Wait();
        return Take();
    }

    /// <summary>Takes a free slot without waiting; false when every slot is busy.</summary>
    public bool TryRent([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InferenceSlot? slot)
    {
        slot = _available.Wait(0) ? Take() : null;
        return slot is not null;
    }

    /// <summary>Refuses new rentals at once; the session and tensors are freed when the last rented slot comes back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _available.Release();
        ReleaseLease();
    }

    /// <summary>Binds a slot's tensors to the model's input and output for <see cref="Run"/>.</summary>
    internal OrtIoBinding Bind(OrtValue input, OrtValue output)
    {
        var binding = _session.CreateIoBinding();
        try
        {
            binding.BindInput(Manifest.Input.Name, input);
            binding.BindOutput(Manifest.Output.Name, output);
            return binding;
        }
        catch
        {
            binding.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs pre-bound tensors: unlike <c>Run</c> with name and value lists, it allocates no managed arrays,
    /// iterators or delegates per call.
    /// </summary>
    internal void Run(RunOptions runOptions, OrtIoBinding binding) => _session.RunWithBinding(runOptions, binding);

    internal void Return(InferenceSlot slot)
    {
        _free.Enqueue(slot);
        _available.Release();
        ReleaseLease();
    }

    private InferenceSlot Take()
    {
        if (Volatile.Read(ref _disposed) == 1 || !TryAddLease())
        {
            // Pass the permit on so the next waiter wakes and learns it too.
            _available.Release();
            throw new ObjectDisposedException(nameof(OnnxModel), $"model '{Name}' was disposed (the service is stopping)");
        }

        if (!_free.TryDequeue(out var slot))
        {
            throw new InvalidOperationException("slot pool is inconsistent: a permit was granted without a free slot");
        }

        slot.MarkRented();
        return slot;
    }

    /// <summary>Adds a lease unless the count already reached zero (freed resources never come back).</summary>
    private bool TryAddLease()
    {
        var seen = Volatile.Read(ref _leases);
        while (seen > 0)
        {
            var before = Interlocked.CompareExchange(ref _leases, seen + 1, seen);
            if (before == seen)
            {
                return true;
            }

            seen = before;
        }

        return false;
    }

    private void ReleaseLease()
    {
        if (Interlocked.Decrement(ref _leases) != 0)
        {
            return;
        }

        foreach (var slot in _slots)
        {
            slot.Release();
        }

        _session.Dispose();
        _sessionOptions.Dispose();
    }

    /// <summary>Checks the graph's input/output names and shapes against the manifest; returns the usable max batch.</summary>
    private int CheckSignature(int requestedMaxBatch)
    {
        if (!_session.InputMetadata.TryGetValue(Manifest.Input.Name, out var input))
        {
            throw new ModelLoadException(
                $"'{ModelPath}' has no input '{Manifest.Input.Name}' (it has: {string.Join(", ", _session.InputMetadata.Keys)})");
        }

        if (!_session.OutputMetadata.TryGetValue(Manifest.Output.Name, out var output))
        {
            throw new ModelLoadException(
                $"'{ModelPath}' has no output '{Manifest.Output.Name}' (it has: {string.Join(", ", _session.OutputMetadata.Keys)})");
        }

        var expected = Manifest.Input.Shape;
        var dims = input.Dimensions;
        var element = Manifest.Input.ElementType == InputElementTypes.Bytes ? TensorElementType.UInt8 : TensorElementType.Float;
        if (dims.Length != expected.Length || input.ElementDataType != element ||
            Enumerable.Range(1, dims.Length - 1).Any(i => dims[i] > 0 && dims[i] != expected[i]))
        {
            throw new ModelLoadException(
                $"'{ModelPath}' input '{Manifest.Input.Name}' is {ElementName(input.ElementDataType)} [{string.Join(',', dims)}], the manifest says " +
                $"{Manifest.Input.ElementType} [{string.Join(',', expected)}] ({Manifest.Input.Layout}): write input.shape, input.layout and input.elementType as the graph has them");
        }

        var outDims = output.Dimensions;
        if (outDims.Length != 2 || (outDims[1] > 0 && outDims[1] != OutputWidth))
        {
            var wanted = OutputKind == OutputKind.Sigmoid ? "[N,1] for a sigmoid output" : $"[N,{ClassCount}] for {ClassCount} labels";
            throw new ModelLoadException($"'{ModelPath}' output '{Manifest.Output.Name}' is [{string.Join(',', outDims)}], expected {wanted}");
        }

        var fixedBatch = dims[0] > 0 ? dims[0] : expected[0] > 0 ? (int)expected[0] : -1;
        if (fixedBatch > 0)
        {
            return fixedBatch == 1
                ? 1
                : throw new ModelLoadException($"'{ModelPath}' has a fixed batch of {fixedBatch}; only 1 or dynamic (-1) are supported");
        }

        return Math.Max(1, requestedMaxBatch);
    }

    /// <summary>
    /// The manifest's kind when it agrees with the graph, the graph's when the manifest says none. A manifest that
    /// contradicts the node computing the output is refused with what to write: scoring probabilities as logits caps every
    /// score (a 10-class model's at 0.23) and sends all traffic to the cloud without a word.
    /// </summary>
    private OutputKind ResolveOutputKind(ModelFile file)
    {
        var graph = OnnxGraph.Read(file.ModelBytes, ModelPath);
        var node = graph.LastComputingNode(Manifest.Output.Name);
        var implied = OutputKinds.FromOp(node?.OpType);
        if (Manifest.Output.Kind is not { } written)
        {
            return implied ?? OutputKind.Logits;
        }

        if (!OutputKinds.TryParse(written, out var kind))
        {
            throw new ModelLoadException($"model manifest '{ManifestPath}': output.kind '{written}' must be {OutputKinds.Accepted}");
        }

        if (implied is { } fromGraph && fromGraph != kind)
        {
            throw new ModelLoadException(
                $"model manifest '{ManifestPath}' says output '{Manifest.Output.Name}' holds {written}, but the graph computes it with a {node!.OpType} node ('{node.Name}'), which gives {OutputKinds.Name(fromGraph)}; write \"kind\": \"{OutputKinds.Name(fromGraph)}\" in the manifest's output");
        }

        return kind;
    }

    private void WarmUp()
    {
        // The first run pays for memory planning and kernel selection; every slot pays it here, not a caller.
        var rented = new List<InferenceSlot>(_slots.Length);
        try
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                var slot = Rent();
                rented.Add(slot);
                slot.Run();
                if (i == 0 && MaxBatch > 1)
                {
                    slot.Run(MaxBatch);
                }
            }
        }
        finally
        {
            rented.ForEach(s => s.Dispose());
        }
    }
}
