namespace Edge.ModelTools.Onnx;

using Edge.Inference;
using Edge.ModelTools.Calibration;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

/// <summary>
/// Runs a <see cref="TensorSet"/> through an ONNX Runtime session in batches (every committed model has a
/// dynamic batch dimension) and hands each requested output to a callback, batch by batch.
/// </summary>
internal sealed class BatchRunner : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly string _inputName;

    /// <summary>A uint8 input (TensorFlow-style pixels): samples are rounded and clamped into bytes, as the agent does.</summary>
    private readonly bool _bytes;

    public BatchRunner(byte[] model, string source, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, int threads = 0)
    {
        _options = new SessionOptions { GraphOptimizationLevel = optimization, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        try
        {
            _session = new InferenceSession(model, _options);
        }
        catch (OnnxRuntimeException e)
        {
            _options.Dispose();
            throw new QuantizationException($"ONNX Runtime cannot load {source}: {e.Message}", e);
        }

        _inputName = _session.InputNames[0];
        _bytes = _session.InputMetadata[_inputName].ElementDataType == TensorElementType.UInt8;
    }

    public delegate void OutputHandler(string name, ReadOnlySpan<float> values, int batchStart, int batchCount);

    public void Run(TensorSet data, IReadOnlyList<string> outputs, OutputHandler handler, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(handler);
        using var runOptions = new RunOptions();
        var buffer = new float[Math.Min(batchSize, data.Count) * data.SampleLength];
        var bytes = _bytes ? new byte[buffer.Length] : null;
        for (var start = 0; start < data.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, data.Count - start);
            for (var i = 0; i < count; i++)
            {
                data.Samples[start + i].CopyTo(buffer, i * data.SampleLength);
            }

            long[] shape = [count, .. data.SampleShape.Select(d => (long)d)];
            using var input = bytes is null
                ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, count * data.SampleLength), shape)
                : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Bytes(buffer.AsSpan(0, count * data.SampleLength), bytes), shape);
            using var results = _session.Run(runOptions, [_inputName], [input], outputs);
            for (var o = 0; o < outputs.Count; o++)
            {
                handler(outputs[o], results[o].GetTensorDataAsSpan<float>(), start, count);
            }
        }
    }

    private static Memory<byte> Bytes(ReadOnlySpan<float> values, byte[] bytes)
    {
        ByteInput.FromFloats(values, bytes);
        return bytes.AsMemory(0, values.Length);
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
