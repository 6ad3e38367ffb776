namespace Edge.Agent.Routing;

using Edge.Shared.Inference;

/// <summary>One caller's input: the original body (forwarded as-is to the cloud) and, for JSON, the parsed tensor.</summary>
/// <param name="Body">Valid for the duration of the call only (a pooled buffer).</param>
/// <param name="Tensor">The parsed tensor for <c>application/json</c>; null for images.</param>
internal readonly record struct InferenceRequest(ReadOnlyMemory<byte> Body, string ContentType, TensorPayload? Tensor);
