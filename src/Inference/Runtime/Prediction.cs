namespace Edge.Inference;

using Edge.Shared.Inference;

/// <summary>What the model said about one sample: its top-1 class and label, scored as the caller asked.</summary>
/// <param name="ClassIndex">Index of the most probable class (lowest index on ties).</param>
/// <param name="Label">The manifest's label for <paramref name="ClassIndex"/>.</param>
/// <param name="Score">The calibrated score compared with a routing threshold, in [0, 1].</param>
/// <param name="Probability">The calibrated probability of <paramref name="ClassIndex"/>.</param>
/// <param name="Finite">False when any output value was NaN or infinite (the score then means nothing).</param>
/// <param name="RunTime">How long the ONNX Runtime run took, preprocessing and scoring excluded.</param>
/// <param name="Top">The <see cref="OnnxModelOptions.TopK"/> most probable classes with calibrated probabilities, best first.</param>
public readonly record struct Prediction(
    int ClassIndex, string Label, double Score, double Probability, bool Finite, TimeSpan RunTime, ClassProbability[] Top);
