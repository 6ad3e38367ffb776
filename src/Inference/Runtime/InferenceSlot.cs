namespace Edge.Inference;

using Edge.Shared.Config;
using Edge.Shared.Inference;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// One pre-allocated unit of work: pinned input and output arrays with <see cref="OrtValue"/>s created once
/// over them and bound to the session (one pair per batch size), so a run allocates nothing. Rent it from
/// <see cref="OnnxModel.RentAsync"/>, fill <see cref="Input"/>, <see cref="Run"/>, read <see cref="Output"/>,
/// then dispose it to hand it back. A slot is used by one caller at a time.
/// </summary>
public sealed class InferenceSlot : IDisposable
{
    private readonly OnnxModel _model;
    private readonly float[] _input;

    /// <summary>The tensor ORT reads for a uint8 model: <see cref="_input"/> rounded and clamped at each run.</summary>
    private readonly byte[]? _bytes;
    private readonly float[] _output;
    private readonly float[] _probabilities;
    private readonly Binding[] _bindings;
    private readonly RunOptions _runOptions = new();
    private int _rented;

    internal InferenceSlot(OnnxModel model, long[] inputShape, int outputWidth, int classes, int maxBatch, bool byteInput)
    {
        _model = model;
        long sampleLength = 1;
        for (var i = 1; i < inputShape.Length; i++)
        {
            sampleLength *= inputShape[i];
        }

        _input = GC.AllocateArray<float>((int)sampleLength * maxBatch, pinned: true);
        _bytes = byteInput ? GC.AllocateArray<byte>((int)sampleLength * maxBatch, pinned: true) : null;
        _output = GC.AllocateArray<float>(outputWidth * maxBatch, pinned: true);
        _probabilities = new float[classes];
        _bindings = new Binding[maxBatch];
        for (var n = 1; n <= maxBatch; n++)
        {
            var shape = (long[])inputShape.Clone();
            shape[0] = n;
            var length = (int)sampleLength * n;
            var input = _bytes is null
                ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, length), shape)
                : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _bytes.AsMemory(0, length), shape);
            var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, outputWidth * n), [n, outputWidth]);
            _bindings[n - 1] = new Binding(input, output, model.Bind(input, output));
        }

        SampleLength = (int)sampleLength;
        OutputWidth = outputWidth;
        Classes = classes;
    }

    public int SampleLength { get; }

    /// <summary>Values per sample in the output tensor: the classes, or 1 for a sigmoid.</summary>
    public int OutputWidth { get; }

    public int Classes { get; }

    public int MaxBatch => _bindings.Length;

    /// <summary>The first sample's input; write the preprocessed values here.</summary>
    public Span<float> Input => _input.AsSpan(0, SampleLength);

    /// <summary>The first sample's raw output values (logits, probabilities… as the model computes them) after <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Output => _output.AsSpan(0, OutputWidth);

    public Span<float> InputRow(int row) => _input.AsSpan(CheckRow(row) * SampleLength, SampleLength);

    public ReadOnlySpan<float> OutputRow(int row) => _output.AsSpan(CheckRow(row) * OutputWidth, OutputWidth);

    /// <summary>Runs the first <paramref name="batchSize"/> rows. Thread-safe across slots (ORT sessions allow concurrent runs).</summary>
    public void Run(int batchSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, MaxBatch);
        if (_bytes is not null)
        {
            ByteInput.FromFloats(_input.AsSpan(0, SampleLength * batchSize), _bytes);
        }

        _model.Run(_runOptions, _bindings[batchSize - 1].IoBinding);
    }

    /// <summary>Calibrated score of row <paramref name="row"/> for the model's output kind and temperature (valid until the next run).</summary>
    public ScoreResult Score(ScoreFunction function, int row = 0) =>
        Scoring.Score(OutputRow(row), _model.OutputKind, _model.Manifest.Temperature, function, _probabilities);

    /// <summary>Preprocesses <paramref name="input"/> into row 0, runs it and scores it: one local inference.</summary>
    /// <exception cref="InvalidInputException">The input does not fit the model; nothing ran.</exception>
    public Prediction Predict(in PredictionInput input, ScoreFunction function)
    {
        input.WriteTo(_model.Preprocessor, Input);
        var time = _model.Time;
        var started = time.GetTimestamp();
        Run();
        var runTime = time.GetElapsedTime(started);
        var result = Score(function);
        return new Prediction(
            result.ClassIndex, _model.Label(result.ClassIndex), result.Score, result.Probability, AllFinite(Output), runTime, Top());
    }

    /// <summary>Hands the slot back to its model's pool; a second dispose is a no-op.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1)
        {
            _model.Return(this);
        }
    }

    internal void MarkRented() => Volatile.Write(ref _rented, 1);

    internal void Release()
    {
        foreach (var binding in _bindings)
        {
            binding.IoBinding.Dispose();
            binding.Input.Dispose();
            binding.Output.Dispose();
        }

        _runOptions.Dispose();
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The <see cref="OnnxModelOptions.TopK"/> most probable classes of the last <see cref="Score"/>, best first (ties: lower index).</summary>
    private ClassProbability[] Top()
    {
        var k = Math.Min(_model.TopK, Classes);
        if (k <= 0)
        {
            return [];
        }

        // k passes, each taking the best class ranked after the previous pick (probability descending, index
        // ascending on ties): O(k × classes), no scratch.
        var top = new ClassProbability[k];
        var previous = float.PositiveInfinity;
        var previousIndex = -1;
        for (var n = 0; n < k; n++)
        {
            var best = -1;
            for (var i = 0; i < Classes; i++)
            {
                var p = _probabilities[i];
                var after = p < previous || (p == previous && i > previousIndex);
                if (after && (best < 0 || p > _probabilities[best]))
                {
                    best = i;
                }
            }

            previous = _probabilities[best];
            previousIndex = best;
            top[n] = new ClassProbability(_model.Label(best), previous);
        }

        return top;
    }

    private int CheckRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, MaxBatch);
        return row;
    }

    /// <summary>The tensors over the first n rows, bound once so a run passes no names or handles (and allocates nothing).</summary>
    private sealed record Binding(OrtValue Input, OrtValue Output, OrtIoBinding IoBinding);
}
