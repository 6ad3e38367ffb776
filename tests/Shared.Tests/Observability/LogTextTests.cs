namespace Edge.Shared.Tests.Observability;

using Edge.Shared.Observability;
using Xunit;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("edge/v1/dev/cam-01/telemetry", "edge/v1/dev/cam-01/telemetry")]
    [InlineData("cam\r\n[INF] forged", @"cam\r\n[INF] forged")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("nul\0bell\a", @"nul\u0000bell\u0007")]
    [InlineData("line\u2028sep", @"line\u2028sep")]
    public void Control_characters_are_escaped_so_a_value_stays_on_its_line(string value, string expected) =>
        Assert.Equal(expected, LogText.Escape(value));

    [Fact]
    public void Long_values_are_cut()
    {
        var escaped = LogText.Escape(new string('a', 10_000), maxLength: 16);

        Assert.Equal(new string('a', 16) + "…", escaped);
    }
}
