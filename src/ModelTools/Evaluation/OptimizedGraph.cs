namespace Edge.ModelTools.Evaluation;

using Edge.ModelTools.Onnx;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// What ONNX Runtime actually runs: the graph after its optimizations (QDQ fusion into QLinearConv, QGemm …),
/// saved through <c>SessionOptions.OptimizedModelFilePath</c> and read back.
/// </summary>
internal static class OptimizedGraph
{
    /// <summary>Op type → count in ORT's optimized graph, for this machine's CPU execution provider.</summary>
    public static SortedDictionary<string, int> OpTypes(byte[] model, int threads = 1)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edge-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                IntraOpNumThreads = threads,
                OptimizedModelFilePath = path,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, // "hardware-specific graph" is the point here
            })
            using (new InferenceSession(model, options))
            {
            }

            var optimized = OnnxFile.Parse(File.ReadAllBytes(path), "ORT's optimized model");
            return new SortedDictionary<string, int>(
                optimized.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                StringComparer.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
