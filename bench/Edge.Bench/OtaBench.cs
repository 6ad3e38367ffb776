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

        if (!args.Contains("--skip-transfer"))
        {
            var blocks = QuantizeBench.ArgString(args, "--blocks", "4,16,64").Split(',').Select(b => int.Parse(b, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            await OtaTransferBench.RunAsync(blocks);
        }

        return 0;
    }
}
