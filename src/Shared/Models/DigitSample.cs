namespace Edge.Shared.Models;

/// <summary>A labelled 8×8 digit (raw values 0..16), as committed under <c>models/data/</c>.</summary>
public sealed class DigitSample
{
    public int Index { get; set; }

    public int Label { get; set; }

    public float[] Pixels { get; set; } = [];
}

public sealed class DigitDataset
{
    public string? Source { get; set; }

    public string? Split { get; set; }

    public int Count { get; set; }

    public DigitSample[] Samples { get; set; } = [];
}
