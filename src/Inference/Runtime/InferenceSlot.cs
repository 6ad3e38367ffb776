namespace Edge.Inference;

using Edge.Shared.Config;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// One pre-allocated unit of work: pinned input and output arrays with <see cref="OrtValue"/>s created once
/// over them (one pair per batch size), so a run allocates no tensors. Rent it from
/// <see cref="OnnxModel.RentAsync"/>, fill <see cref="Input"/>, <see cref="Run"/>, read <see cref="Logits"/>,
/// then dispose it to hand it back. A slot is used by one caller at a time.
/// </summary>
internal sealed class InferenceSlot : IDisposable
{
    private readonly OnnxModel _model;
    private readonly float[] _input;
    private readonly float[] _logits;
    private readonly float[] _probabilities;
    private readonly OrtValue[][] _inputValues;
    private readonly OrtValue[][] _outputValues;
    private readonly RunOptions _runOptions = new();
    private int _rented;

    internal InferenceSlot(OnnxModel model, long[] inputShape, int classes, int maxBatch)
    {
        _model = model;
        var sampleLength = (int)(inputShape[1] * inputShape[2] * inputShape[3]);
        _input = GC.AllocateArray<float>(sampleLength * maxBatch, pinned: true);
        _logits = GC.AllocateArray<float>(classes * maxBatch, pinned: true);
        _probabilities = new float[classes];
        _inputValues = new OrtValue[maxBatch][];
        _outputValues = new OrtValue[maxBatch][];
        for (var n = 1; n <= maxBatch; n++)
        {
            _inputValues[n - 1] =
            [
                OrtValue.CreateTensorValueFromMemory(
                    OrtMemoryInfo.DefaultInstance,
                    _input.AsMemory(0, sampleLength * n),
                    [n, inputShape[1], inputShape[2], inputShape[3]]),
            ];
            _outputValues[n - 1] =
            [
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _logits.AsMemory(0, classes * n), [n, classes]),
            ];
        }

        SampleLength = sampleLength;
        Classes = classes;
    }

    public int SampleLength { get; }

    public int Classes { get; }

    public int MaxBatch => _inputValues.Length;

    /// <summary>The first sample's input; write the preprocessed values here.</summary>
    public Span<float> Input => _input.AsSpan(0, SampleLength);

    /// <summary>The first sample's logits after <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Logits => _logits.AsSpan(0, Classes);

    public Span<float> InputRow(int row) => _input.AsSpan(CheckRow(row) * SampleLength, SampleLength);

    public ReadOnlySpan<float> LogitsRow(int row) => _logits.AsSpan(CheckRow(row) * Classes, Classes);

    /// <summary>Runs the first <paramref name="batchSize"/> rows. Thread-safe across slots (ORT sessions allow concurrent runs).</summary>
    public void Run(int batchSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, MaxBatch);
        _model.Run(_runOptions, _inputValues[batchSize - 1], _outputValues[batchSize - 1]);
    }

    /// <summary>Calibrated score of row <paramref name="row"/> with the model's temperature (valid until the next run).</summary>
    public ScoreResult Score(ScoreFunction function, int row = 0) =>
        Scoring.Score(LogitsRow(row), _model.Manifest.Temperature, function, _probabilities);

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
        foreach (var values in _inputValues.Concat(_outputValues))
        {
            values[0].Dispose();
        }

        _runOptions.Dispose();
    }

    private int CheckRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, MaxBatch);
        return row;
    }
}
