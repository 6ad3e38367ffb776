namespace Edge.ModelTools.Quantization;

/// <summary>
/// One op given an integer kernel: its output in the FP32 graph and the tensor carrying the same values in the
/// INT8 graph (the dequantized output, or the output itself where it stays float).
/// </summary>
internal sealed record QuantizedLayer(string NodeName, string OpType, string FloatTensor, string QuantizedTensor);
