namespace Edge.Agent.Tests.ConfigSync;

using Edge.Agent.Tests.Support;

/// <summary>
/// The agent config sync tests run: the real agent pointed at a test broker, with its own state folder and fast
/// reconnects. Only configuration differs from production.
/// </summary>
internal static class ConfigSyncAgent
{
    public static TestAgentOptions Options(int brokerPort, string deviceId, string group, string stateDirectory) => new()
    {
        BrokerPort = brokerPort,
        DeviceId = deviceId,
        Group = group,
        StateDirectory = stateDirectory,
        Settings = new Dictionary<string, string?>
        {
            ["Mqtt:ReconnectMaxDelay"] = "00:00:00.500",

            // Pinned so the expected merges do not depend on the shipped defaults.
            ["Routing:DefaultThreshold"] = "0.8",
            ["Routing:DefaultAuditSampleRate"] = "0",
            ["Routing:DefaultScoreFunction"] = "MaxProbability",
            ["Serilog:MinimumLevel:Override:Edge.Agent.ConfigSync"] = "Debug",
            ["Serilog:MinimumLevel:Override:Edge.Agent.Mqtt"] = "Information",
        },
    };
}
