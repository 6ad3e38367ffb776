namespace Edge.ModelTools.Data;

/// <summary>
/// One labelled input as users keep them: raw-unit values (<see cref="Tensor"/>, the model's own layout or a
/// square gray picture the agent scales up) or an encoded PNG/JPEG (<see cref="Image"/>). Exactly one is set.
/// </summary>
/// <param name="Label">The label as the model's manifest spells it; null in unlabelled calibration data.</param>
/// <param name="Origin">Where it came from, for messages: "data.jsonl line 12" or "cat/0001.png".</param>
public sealed record LabeledSample(string? Label, float[]? Tensor, byte[]? Image, string Origin);
