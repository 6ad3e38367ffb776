namespace Edge.ModelTools.Tests.Quantization;

public sealed class ModelQuantizerTests
{
    [Theory]
    [InlineData("digits-edge")]
    [InlineData("digits-cloud")]
    [InlineData("camera-mnv2-v1")]
    public void Quantized_model_agrees_with_fp32_on_top1_for_99_percent_of_held_out_digits(string name)
    {
        var q = Quantized.Get(name);
        TestContext.Current.TestOutputHelper?.WriteLine(q.Report.ToString());
        Assert.Equal(360, q.Report.HeldOutCount);
        Assert.True(q.Report.Top1Agreement >= 99.0, q.Report.ToString());
    }
}
