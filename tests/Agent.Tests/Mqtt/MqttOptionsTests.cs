namespace Edge.Agent.Tests.Mqtt;

using Edge.Agent.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

public sealed class MqttOptionsTests
{
    [Fact]
    public void Defaults_match_the_documented_ones()
    {
        var options = Bind([]);

        Assert.True(options.Enabled);
        Assert.Equal(("127.0.0.1", 1883, false), (options.Host, options.Port, options.UseTls));
        Assert.Null(options.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(15), options.KeepAlive);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), (options.ReconnectMinDelay, options.ReconnectMaxDelay));
        Assert.Equal(TimeSpan.FromDays(7), options.SessionExpiry);
    }

    [Fact]
    public void Environment_variables_with_double_underscores_bind_like_the_json_keys()
    {
        var prefix = $"EDGE_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Mqtt__Port", "8883");
        Environment.SetEnvironmentVariable(prefix + "Mqtt__UseTls", "true");
        Environment.SetEnvironmentVariable(prefix + "Mqtt__ReconnectMaxDelay", "00:02:00");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var options = Resolve(configuration);

            Assert.Equal((8883, true, TimeSpan.FromMinutes(2)), (options.Port, options.UseTls, options.ReconnectMaxDelay));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Mqtt__Port", null);
            Environment.SetEnvironmentVariable(prefix + "Mqtt__UseTls", null);
            Environment.SetEnvironmentVariable(prefix + "Mqtt__ReconnectMaxDelay", null);
        }
    }

    [Theory]
    [InlineData("Mqtt:Port", "0")]
    [InlineData("Mqtt:Port", "70000")]
    [InlineData("Mqtt:ReconnectMaxDelay", "00:00:00.500")]
    [InlineData("Mqtt:KeepAlive", "00:00:00")]
    [InlineData("Mqtt:ClientId", "has/slash")]
    [InlineData("Mqtt:Password", "secret-without-user")]
    public void Invalid_settings_are_refused(string key, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));

        Assert.Contains(key.Split(':')[1], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_username_without_a_password_is_refused()
    {
        // Before: the agent started and logged in with an empty password.
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Mqtt:Username"] = "cam-01" }));

        Assert.Contains("Mqtt:Password is not", ex.Message, StringComparison.Ordinal);
    }

    private static MqttOptions Bind(Dictionary<string, string?> values) =>
        Resolve(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static MqttOptions Resolve(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddSingleton(configuration);
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<MqttOptions>>().Value;
    }
}
