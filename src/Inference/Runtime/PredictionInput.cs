namespace Edge.Inference;

/// <summary>
/// What <see cref="OnnxModel.PredictAsync"/> reads: a <c>/v1/infer</c> body (tensor JSON or image bytes) or one
/// sample already at the model's input size in raw units. The default value is an all-zero input.
/// </summary>
public readonly struct PredictionInput
{
    private readonly InferBodyFormat? _format;
    private readonly ReadOnlyMemory<byte> _body;
    private readonly ReadOnlyMemory<float> _tensor;

    private PredictionInput(InferBodyFormat? format, ReadOnlyMemory<byte> body, ReadOnlyMemory<float> tensor)
    {
        _format = format;
        _body = body;
        _tensor = tensor;
    }

    /// <summary>A request body in one of the <see cref="InferBody.Accepted"/> formats.</summary>
    public static PredictionInput FromBody(InferBodyFormat format, ReadOnlyMemory<byte> body) => new(format, body, default);

    /// <summary>One sample of exactly <see cref="Preprocessor.Length"/> raw values in the model's layout (a golden sample, a probe).</summary>
    public static PredictionInput FromTensor(ReadOnlyMemory<float> values) => new(null, default, values);

    /// <summary>Preprocesses into a slot's input; throws <see cref="InvalidInputException"/> for input the model cannot use.</summary>
    internal void WriteTo(Preprocessor preprocessor, Span<float> destination)
    {
        if (_format is { } format)
        {
            preprocessor.FromBody(format, _body, destination);
        }
        else if (_tensor.IsEmpty)
        {
            destination.Clear();
        }
        else
        {
            preprocessor.FromTensor(preprocessor.BatchShape, _tensor.Span, destination);
        }
    }
}
