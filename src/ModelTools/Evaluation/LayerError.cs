namespace Edge.ModelTools.Evaluation;

/// <summary>
/// How far one quantized op's output drifts from FP32 on the calibration data: relative L2 (‖q − f‖ / ‖f‖) and
/// SQNR in dB (10 log10 ‖f‖² / ‖q − f‖²). Errors accumulate along the graph, so the first layer with a sudden
/// SQNR drop is the culprit, not the last one.
/// </summary>
internal sealed record LayerError(string NodeName, string OpType, double RelativeL2, double SqnrDb);
