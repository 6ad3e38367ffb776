namespace Edge.Updates.Tests;

using System.Text;
using Edge.Updates.Tests.Support;

public sealed class OnnxFileTests
{
    [Theory]
    [InlineData("digits-edge")]
    [InlineData("digits-cloud")]
    [InlineData("camera-mnv2-v1")]
    public void Recognises_the_committed_models(string name) => Assert.True(OnnxStructure.LooksLikeOnnx(Models.Bytes(name)));

    [Fact]
    public void Finds_every_initializer_with_raw_data()
    {
        var model = Models.Bytes("camera-mnv2-v1");
        var found = new List<OnnxWalker.Initializer>();

        Assert.True(OnnxWalker.TryWalk(model, found));

        var expected = OnnxEdit.Initializers(model).Where(t => t.Value.Length > 0).ToList();
        Assert.Equal(expected.Count, found.Count);
        Assert.Equal(expected.Sum(t => (long)t.Value.Length), found.Sum(t => (long)t.DataLength));
    }

    [Fact]
    public void Rejects_files_that_are_not_models()
    {
        var random = new byte[10_000];
        new Random(3).NextBytes(random);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var json = File.ReadAllBytes(Edge.TestSupport.RepoPaths.Model("digits-edge.manifest.json"));

        Assert.False(OnnxStructure.LooksLikeOnnx([]));
        Assert.False(OnnxStructure.LooksLikeOnnx(random));
        Assert.False(OnnxStructure.LooksLikeOnnx(png));
        Assert.False(OnnxStructure.LooksLikeOnnx(json));
        Assert.False(OnnxStructure.LooksLikeOnnx(Encoding.UTF8.GetBytes("hello")));
    }

    [Fact]
    public void Rejects_a_truncated_model()
    {
        var model = Models.Bytes("digits-edge");

        Assert.False(OnnxStructure.LooksLikeOnnx(model.AsSpan(0, model.Length - 10)));
    }
}
