namespace Edge.Updates.Tests;

public sealed class ModelVersionsTests
{
    [Theory]
    [InlineData("1.0.0", "2.0.0")]
    [InlineData("1.9.0", "1.10.0")]
    [InlineData("2", "2.0.1")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    [InlineData("1.0.0-alpha", "1.0.0-beta")]
    [InlineData("1.0.0-2", "1.0.0-10")]
    public void Orders_versions_the_semantic_versioning_way(string lower, string higher)
    {
        Assert.True(ModelVersions.Compare(lower, higher) < 0);
        Assert.True(ModelVersions.Compare(higher, lower) > 0);
    }

    [Theory]
    [InlineData("2.0", "2.0.0")]
    [InlineData("1.0.0+build.7", "1.0.0")]
    [InlineData("v2", "1.0.0")]
    [InlineData("latest", "9.9.9")]
    public void Equal_or_unordered_versions_compare_as_zero(string a, string b) => Assert.Equal(0, ModelVersions.Compare(a, b));
}
