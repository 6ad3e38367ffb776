namespace Edge.Cloud.Tests.Rollouts;

using System.Net;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Xunit;

public sealed class RolloutApiTests(RolloutsFixture fixture) : IClassFixture<RolloutsFixture>
{
    private const string M = RolloutsFixture.Model;
    private const string V = RolloutsFixture.NewVersion;

    [Theory]
    [InlineData("""{"version":"2.0.0","scope":"Fleet"}""", "model is required")]
    [InlineData("""{"model":"digits-ota","scope":"Fleet"}""", "version is required")]
    [InlineData("""{"model":"digits/ota","version":"2.0.0","scope":"Fleet"}""", "model name")]
    [InlineData("""{"model":"digits-ota","version":"2..0","scope":"Fleet"}""", "version '2..0'")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0"}""", "scope is required")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Planet"}""", "'scope': expected one of Fleet, Group, Device")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":7}""", "scope is required")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Group"}""", "target (the group name) must not be empty")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Device","target":"a/b"}""", "target (the device id) 'a/b'")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Fleet","target":"x"}""", "target must be left out")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Device","target":"d","canaryPercent":101}""", "canaryPercent must be a number within [0, 100]")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Device","target":"d","canaryPercent":-1}""", "canaryPercent")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Device","target":"d","canaryPercent":"10"}""", "'canaryPercent': expected a number")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Device","target":"d","maxFailureShare":1.5}""", "maxFailureShare must be a number within [0, 1]")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Device","target":"d","maxFailureShare":"NaN"}""", "'maxFailureShare': expected a number")]
    [InlineData("""{"model":"digits-ota","version":"2.0.0","scope":"Device","target":"d",""", "malformed JSON")]
    [InlineData("null", "not null")]
    public async Task A_bad_rollout_request_is_refused_with_400_naming_the_field(string body, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await fixture.PostAsync("/v1/rollouts", body, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-model", "2.0.0")]
    [InlineData(M, "9.9.9")]
    public async Task A_rollout_of_an_unpublished_version_is_refused_with_404(string model, string version)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await fixture.PostAsync("/v1/rollouts", $$"""{"model":"{{model}}","version":"{{version}}","scope":"Fleet"}""", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"model {model} version {version} is not published", await response.ProblemDetailAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_415()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await fixture.Host.Http.PostBytesAsync("/v1/rollouts", "model=x"u8.ToArray(), "application/x-www-form-urlencoded", ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_second_active_rollout_of_the_model_to_the_same_target_is_refused_with_409()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = $$"""{"model":"{{M}}","version":"{{V}}","scope":"Device","target":"dup-1"}""";
        var first = await fixture.CreateAsync(body, ct);
        using var second = await fixture.PostAsync("/v1/rollouts", body, ct);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains($"rollout {first.Id}", await second.ProblemDetailAsync(ct), StringComparison.Ordinal);
        var listed = await (await fixture.Host.Http.GetAsync("/v1/rollouts", ct)).ReadAsync(EdgeJsonContext.Default.RolloutArray, ct);
        Assert.Single(listed, r => r.Target == "dup-1");
        Assert.All(listed, r => Assert.Null(r.Devices));
    }

    [Theory]
    [InlineData("GET", "/v1/rollouts/r-000000000000", HttpStatusCode.NotFound, "does not exist")]
    [InlineData("POST", "/v1/rollouts/r-000000000000/resume", HttpStatusCode.NotFound, "does not exist")]
    [InlineData("POST", "/v1/rollouts/r-000000000000/abort", HttpStatusCode.NotFound, "does not exist")]
    [InlineData("GET", "/v1/rollouts/bad%20id", HttpStatusCode.BadRequest, "rollout id 'bad id'")]
    [InlineData("POST", "/v1/rollouts/bad%20id/resume", HttpStatusCode.BadRequest, "rollout id")]
    [InlineData("POST", "/v1/rollouts/bad%20id/abort", HttpStatusCode.BadRequest, "rollout id")]
    public async Task Unknown_or_malformed_rollout_ids_get_a_problem(string method, string path, HttpStatusCode status, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await fixture.Host.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(ct), StringComparison.Ordinal);
    }
}
