namespace Edge.Cloud.Tests.Thresholds;

using System.Net;
using Edge.Cloud.Tests.Support;
using Edge.Cloud.Thresholds;
using Xunit;

public sealed class BoundsApiTests(CloudFixture fixture) : IClassFixture<CloudFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    [Theory]
    [InlineData("""{"min":0.9,"max":0.5}""", "min 0.9 is greater than max 0.5")]
    [InlineData("""{"min":-0.1,"max":0.5}""", "min -0.1 is outside [0, 2]")]
    [InlineData("""{"min":0.1,"max":2.5}""", "max 2.5 is outside [0, 2]")]
    [InlineData("""{"min":"NaN","max":0.5}""", "'min'")]
    [InlineData("""{"max":0.5}""", "both min and max are required")]
    public async Task Refuses_bad_bounds_naming_the_bound(string body, string expected)
    {
        var response = await Http.PutJsonAsync("/v1/thresholds/groups/bad-bounds/bounds", body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_threshold_outside_the_bounds_naming_the_bound_and_audits_the_bounds_change()
    {
        (await Http.PutJsonAsync("/v1/thresholds/fleet/bounds", """{"min":0.2,"max":1.5,"by":"ops","reason":"fleet policy"}""", Ct)).EnsureSuccessStatusCode();
        (await Http.PutJsonAsync("/v1/thresholds/groups/bnd-g/bounds", """{"min":0.6,"max":0.95,"by":"carol","reason":"line 3 policy"}""", Ct)).EnsureSuccessStatusCode();

        var low = await Http.PutJsonAsync("/v1/thresholds/groups/bnd-g", """{"threshold":0.5}""", Ct);
        var high = await Http.PutJsonAsync("/v1/thresholds/groups/bnd-g", """{"threshold":0.99}""", Ct);
        var ok = await Http.PutJsonAsync("/v1/thresholds/groups/bnd-g", """{"threshold":0.8,"reason":"peak"}""", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, low.StatusCode);
        Assert.Contains("min 0.6", await low.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("max 0.95", await high.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        ok.EnsureSuccessStatusCode();
        var audit = await fixture.Host.Service<AuditLog>().ReadAsync(50, Ct);
        var bounds = Assert.Single(audit, e => e.Kind == AuditEntry.BoundsKind && e.Target == "bnd-g");
        Assert.Equal("test-admin", bounds.By);
        Assert.Equal("line 3 policy", bounds.Reason);
        Assert.Equal(0.6, bounds.ToBounds!.Min);
        Assert.Contains(audit, e => e.Target == "bnd-g" && e.Reason == "peak" && e.To!.Threshold == 0.8);
    }

    [Fact]
    public async Task Refuses_bounds_that_exclude_the_stored_threshold_or_miss_the_outer_bounds()
    {
        (await Http.PutJsonAsync("/v1/thresholds/fleet/bounds", """{"min":0.2,"max":1.5,"by":"ops","reason":"fleet policy"}""", Ct)).EnsureSuccessStatusCode();
        (await Http.PutJsonAsync("/v1/thresholds/groups/bnd-h", """{"threshold":0.9}""", Ct)).EnsureSuccessStatusCode();

        var excludes = await Http.PutJsonAsync("/v1/thresholds/groups/bnd-h/bounds", """{"min":0.5,"max":0.8}""", Ct);
        var outside = await Http.PutJsonAsync("/v1/thresholds/groups/bnd-i/bounds", """{"min":1.8,"max":1.9}""", Ct);

        Assert.Contains("threshold 0.9 stored at this scope is outside", await excludes.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("do not overlap the bounds [0.2, 1.5]", await outside.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/curve/no-such-group", HttpStatusCode.NotFound)]
    [InlineData("/v1/curve/bad%20name", HttpStatusCode.BadRequest)]
    [InlineData("/v1/telemetry/groups/no-such-group", HttpStatusCode.NotFound)]
    [InlineData("/v1/telemetry/groups/bad%20name", HttpStatusCode.BadRequest)]
    [InlineData("/v1/thresholds/groups/none-here/bounds", HttpStatusCode.NotFound)]
    public async Task Unknown_or_malformed_groups_get_a_clear_error(string path, HttpStatusCode expected)
    {
        var response = await Http.GetAsync(path, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.NotEmpty(await response.ProblemDetailAsync(Ct));
    }

    [Theory]
    [InlineData("/v1/controller", """{"targetCloudRps":-1}""", "targetCloudRps")]
    [InlineData("/v1/controller", """{"targetCloudRps":"NaN"}""", "targetCloudRps")]
    [InlineData("/v1/controller", """{"maxStep":0}""", "maxStep")]
    [InlineData("/v1/controller", """{"deadBand":1.5}""", "deadBand")]
    [InlineData("/v1/controller/groups/never-seen", """{"enabled":false}""", "unknown group 'never-seen'")]
    [InlineData("/v1/controller/groups/x", """{}""", "enabled")]
    public async Task Bad_controller_input_gets_a_clear_error(string path, string body, string expected)
    {
        var response = await Http.PutJsonAsync(path, body, Ct);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, response.StatusCode.ToString());
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }
}
