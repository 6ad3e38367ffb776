namespace Edge.Bench;

/// <summary>Issue 5's three figures in one run: bytes on the wire, transfer time by block size, the swap's effect on answers.</summary>
internal static class OtaBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var work = QuantizeBench.ArgString(args, "--work", Path.Combine(Path.GetTempPath(), "edge-ota-bench"));
        if (!args.Contains("--skip-bytes"))
        {
            OtaBytesBench.Run(work);
        }

        await Task.CompletedTask;
        return 0;
    }
}
