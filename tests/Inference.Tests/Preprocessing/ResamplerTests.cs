namespace Edge.Inference.Tests.Preprocessing;

using Edge.Inference;
using Xunit;

public sealed class ResamplerTests
{
    [Fact]
    public void Equal_sizes_copy_exactly()
    {
        float[] src = [1, 2, 3, 4, 5, 6];
        var dst = new float[6];
        Resampler.ResizePlane(src, 2, 3, dst, 2, 3, new float[6]);
        Assert.Equal(src, dst);
    }

    [Fact]
    public void Upscaling_uses_half_pixel_bilinear_clamped_at_the_edges()
    {
        // torch.nn.functional.interpolate([0, 4], size=4, mode="linear", align_corners=False) = [0, 1, 3, 4]
        var dst = new float[4];
        Resampler.ResampleAxis([0f, 4f], 1, 2, dst, 1, 4);
        Assert.Equal([0f, 1f, 3f, 4f], dst);
    }

    [Fact]
    public void Mild_downscaling_uses_half_pixel_bilinear()
    {
        // 3 → 2: src = (d + 0.5) × 1.5 − 0.5 = 0.25 and 1.75
        var dst = new float[2];
        Resampler.ResampleAxis([0f, 4f, 8f], 1, 3, dst, 1, 2);
        Assert.Equal(1f, dst[0], 1e-6f);
        Assert.Equal(7f, dst[1], 1e-6f);
    }

    [Fact]
    public void Downscaling_by_two_or_more_averages_each_covered_block()
    {
        var dst = new float[2];
        Resampler.ResampleAxis([1f, 3f, 5f, 7f, 10f, 20f], 1, 6, dst, 1, 2);
        Assert.Equal(3f, dst[0], 1e-6f);
        Assert.Equal(37f / 3f, dst[1], 1e-5f);
    }

    [Fact]
    public void Fractional_area_weights_split_pixels_between_outputs()
    {
        // 5 → 2: each output covers 2.5 source pixels; the middle one is shared half and half.
        var dst = new float[2];
        Resampler.ResampleAxis([0f, 0f, 10f, 20f, 20f], 1, 5, dst, 1, 2);
        Assert.Equal(2f, dst[0], 1e-6f);
        Assert.Equal(18f, dst[1], 1e-6f);
    }

    [Fact]
    public void A_block_upscaled_plane_shrinks_back_to_its_blocks()
    {
        var small = Enumerable.Range(0, 64).Select(i => (float)(i % 17)).ToArray();
        var big = new float[64 * 64];
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                big[(y * 64) + x] = small[((y / 8) * 8) + (x / 8)];
            }
        }

        var back = new float[64];
        Resampler.ResizePlane(big, 64, 64, back, 8, 8, new float[64 * 8]);
        Assert.Equal(small, back);
    }
}
