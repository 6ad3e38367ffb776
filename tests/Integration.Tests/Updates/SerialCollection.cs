namespace Edge.Integration.Tests.Updates;

/// <summary>
/// Tests that load the 2.8 MB camera model in several sessions or processes at once. They run on their own, after the
/// parallel ones, so their CPU bursts cannot push other tests' cloud calls past the agent's deadline on a 2-core runner.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial: camera-model updates";
}
