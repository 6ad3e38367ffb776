namespace Edge.Agent.Routing;

using Edge.Inference;

/// <summary>
/// One caller's input as it arrived: the router preprocesses <see cref="Body"/> straight into a slot's input and
/// forwards it as-is to the cloud.
/// </summary>
/// <param name="Body">Valid for the duration of the call only (a pooled buffer).</param>
/// <param name="ContentType">Sent on to the cloud with the body.</param>
/// <param name="Format">What <paramref name="ContentType"/> says the body holds (<see cref="InferBody.TryGetFormat"/>).</param>
internal readonly record struct InferenceRequest(ReadOnlyMemory<byte> Body, string ContentType, InferBodyFormat Format);
