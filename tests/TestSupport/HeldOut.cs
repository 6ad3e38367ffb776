namespace Edge.TestSupport;

using System.Text.Json;
using Edge.Shared.Models;
using Edge.Shared.Serialization;

/// <summary>The committed held-out digits (never seen in training or calibration).</summary>
public static class HeldOut
{
    private static readonly Lazy<DigitDataset> LazyDigits = new(() => Load("digits-heldout.json"));

    public static IReadOnlyList<DigitSample> Digits => LazyDigits.Value.Samples;

    public static DigitDataset Load(string fileName)
    {
        using var stream = File.OpenRead(RepoPaths.Data(fileName));
        return JsonSerializer.Deserialize(stream, EdgeJsonContext.Default.DigitDataset)
            ?? throw new InvalidDataException($"{fileName} is empty");
    }
}
