namespace Edge.Updates.Tests;

public sealed class KeyIdTests
{
    [Fact]
    public void Key_ids_differ_for_different_keys()
    {
        using var a = SigningKey.Generate();
        using var b = SigningKey.Generate();
        Assert.NotEqual(a.KeyId, b.KeyId);
        Assert.Equal(16, a.KeyId.Length);
    }
}
