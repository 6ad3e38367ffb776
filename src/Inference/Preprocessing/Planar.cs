namespace Edge.Inference;

/// <summary>Planar [C, P] ↔ interleaved [P, C] copies for NHWC models; preprocessing itself always runs planar.</summary>
internal static class Planar
{
    public static void FromInterleaved(ReadOnlySpan<float> interleaved, int channels, int pixels, Span<float> planar)
    {
        for (var p = 0; p < pixels; p++)
        {
            for (var c = 0; c < channels; c++)
            {
                planar[(c * pixels) + p] = interleaved[(p * channels) + c];
            }
        }
    }

    public static void ToInterleaved(ReadOnlySpan<float> planar, int channels, int pixels, Span<float> interleaved)
    {
        for (var p = 0; p < pixels; p++)
        {
            for (var c = 0; c < channels; c++)
            {
                interleaved[(p * channels) + c] = planar[(c * pixels) + p];
            }
        }
    }
}
