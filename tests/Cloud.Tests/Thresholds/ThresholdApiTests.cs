namespace Edge.Cloud.Tests.Thresholds;

using System.Net;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

public sealed class ThresholdApiTests(CloudFixture fixture) : IClassFixture<CloudFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task Put_then_get_returns_the_stored_setting()
    {
        var put = await Http.PutJsonAsync("/v1/thresholds/groups/line-a", """{"threshold":0.8,"scoreFunction":"Margin","by":"alice"}""", Ct);
        var stored = await put.ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);

        var got = await (await Http.GetAsync("/v1/thresholds/groups/line-a", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);

        Assert.Equal(ConfigScope.Group, got.Scope);
        Assert.Equal("line-a", got.Target);
        Assert.Equal(0.8, got.Threshold);
        Assert.Equal(ScoreFunction.Margin, got.ScoreFunction);
        Assert.Null(got.AuditSampleRate);
        Assert.Equal("test-admin", got.UpdatedBy);
        Assert.Equal(stored.Version, got.Version);
        Assert.True(stored.Version > 0);
    }

    [Fact]
    public async Task Every_put_takes_a_higher_version_across_scopes()
    {
        var first = await (await Http.PutJsonAsync("/v1/thresholds/devices/dev-v1", """{"threshold":0.5}""", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);
        var second = await (await Http.PutJsonAsync("/v1/thresholds/groups/group-v1", """{"threshold":0.6}""", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);
        var third = await (await Http.PutJsonAsync("/v1/thresholds/devices/dev-v1", """{"threshold":0.7}""", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);

        Assert.True(second.Version > first.Version);
        Assert.True(third.Version > second.Version);
    }

    [Fact]
    public async Task Put_sets_exactly_the_given_fields_and_drops_the_others()
    {
        await Http.PutJsonAsync("/v1/thresholds/devices/dev-replace", """{"threshold":0.9,"auditSampleRate":0.1}""", Ct);

        var replaced = await (await Http.PutJsonAsync("/v1/thresholds/devices/dev-replace", """{"scoreFunction":"Entropy"}""", Ct))
            .ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);

        Assert.Null(replaced.Threshold);
        Assert.Null(replaced.AuditSampleRate);
        Assert.Equal(ScoreFunction.Entropy, replaced.ScoreFunction);
    }

    [Fact]
    public async Task Delete_clears_the_scope_so_get_answers_404()
    {
        var put = await (await Http.PutJsonAsync("/v1/thresholds/devices/dev-del", """{"threshold":0.4}""", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);

        var delete = await Http.DeleteAsync("/v1/thresholds/devices/dev-del", Ct);
        var cleared = await delete.ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);
        var get = await Http.GetAsync("/v1/thresholds/devices/dev-del", Ct);
        var all = await (await Http.GetAsync("/v1/thresholds", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSettingArray, Ct);

        Assert.True(cleared.Version > put.Version);
        Assert.Null(cleared.Threshold);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.DoesNotContain(all, s => s.Target == "dev-del");
    }

    [Fact]
    public async Task Deleting_a_scope_that_has_no_setting_answers_404()
    {
        var response = await Http.DeleteAsync("/v1/thresholds/groups/never-set", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("never-set", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/thresholds/groups/unknown-group")]
    [InlineData("/v1/thresholds/devices/unknown-device")]
    public async Task Unknown_group_or_device_answers_404_with_a_reason(string path)
    {
        var response = await Http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no setting", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_all_lists_the_live_settings_of_every_scope()
    {
        await Http.PutJsonAsync("/v1/thresholds/groups/list-g", """{"threshold":0.3}""", Ct);
        await Http.PutJsonAsync("/v1/thresholds/devices/list-d", """{"auditSampleRate":0.2}""", Ct);

        var all = await (await Http.GetAsync("/v1/thresholds", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSettingArray, Ct);

        Assert.Contains(all, s => s.Scope == ConfigScope.Group && s.Target == "list-g" && s.Threshold == 0.3);
        Assert.Contains(all, s => s.Scope == ConfigScope.Device && s.Target == "list-d" && s.AuditSampleRate == 0.2);
    }

    [Theory]
    [InlineData("""{"threshold":"0.5"}""", "threshold")]
    [InlineData("""{"threshold":2.5}""", "outside [0, 2]")]
    [InlineData("""{"threshold":-0.1}""", "outside [0, 2]")]
    [InlineData("""{"auditSampleRate":1.5}""", "auditSampleRate must be within [0, 1]")]
    [InlineData("""{"scoreFunction":"Confidence"}""", "scoreFunction")]
    [InlineData("""{"scoreFunction":7}""", "unknown scoreFunction 7")]
    [InlineData("""{"threshold":0.5""", "malformed JSON")]
    [InlineData("""not json""", "JSON")]
    [InlineData("", "empty")]
    [InlineData("null", "JSON object")]
    [InlineData("{}", "at least one")]
    public async Task Invalid_body_answers_400_with_a_message(string body, string expected)
    {
        var response = await Http.PutJsonAsync("/v1/thresholds/groups/validation", body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/thresholds/groups/a%2Fb")]
    [InlineData("/v1/thresholds/groups/a+b")]
    [InlineData("/v1/thresholds/groups/a%23b")]
    [InlineData("/v1/thresholds/devices/dev%2B1")]
    [InlineData("/v1/thresholds/devices/name-that-is-far-too-long-for-an-mqtt-topic-level-because-it-goes-on-and-on")]
    public async Task Names_that_are_unsafe_as_topic_levels_answer_400(string path)
    {
        var put = await Http.PutJsonAsync(path, """{"threshold":0.5}""", Ct);
        var get = await Http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.NotEmpty(await put.ProblemDetailAsync(Ct));
    }

    [Fact]
    public async Task Validation_failures_store_nothing()
    {
        await Http.PutJsonAsync("/v1/thresholds/groups/untouched", """{"threshold":0.25}""", Ct);

        var refused = await Http.PutJsonAsync("/v1/thresholds/groups/untouched", """{"threshold":9}""", Ct);
        var got = await (await Http.GetAsync("/v1/thresholds/groups/untouched", Ct)).ReadAsync(EdgeJsonContext.Default.ScopeSetting, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(0.25, got.Threshold);
    }

    [Fact]
    public async Task A_body_that_is_not_json_answers_415()
    {
        using var content = new StringContent("threshold=0.5", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await Http.PutAsync("/v1/thresholds/groups/form", content, Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("10001")]
    public async Task An_audit_limit_that_is_not_a_whole_number_in_range_answers_400_with_a_reason(string limit)
    {
        var response = await Http.GetAsync($"/v1/thresholds/audit?limit={limit}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("limit", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delete_is_audited_under_the_credential_whatever_its_by_query_claims()
    {
        await Http.PutJsonAsync("/v1/thresholds/groups/by-check", """{"threshold":0.35}""", Ct);

        var deleted = await Http.DeleteAsync("/v1/thresholds/groups/by-check?by=eve%0Aforged-line", Ct);
        var entries = await (await Http.GetAsync("/v1/thresholds/audit?limit=1000", Ct)).ReadAsync(Edge.Cloud.Hosting.CloudJsonContext.Default.AuditEntryArray, Ct);

        deleted.EnsureSuccessStatusCode();
        Assert.Equal("test-admin", entries.First(e => e.Target == "by-check").By);
    }

    [Fact]
    public async Task The_audit_log_records_the_credential_that_changed_what_from_and_to_whatever_the_body_claims()
    {
        using var carol = TestCredentials.Client(Http.BaseAddress!, "operator");
        await Http.PutJsonAsync("/v1/thresholds/groups/audited", """{"threshold":0.1,"by":"bob"}""", Ct);
        await carol.PutJsonAsync("/v1/thresholds/groups/audited", """{"threshold":0.2,"by":"someone-else"}""", Ct);

        var entries = await (await Http.GetAsync("/v1/thresholds/audit?limit=1000", Ct)).ReadAsync(Edge.Cloud.Hosting.CloudJsonContext.Default.AuditEntryArray, Ct);
        var latest = entries.First(e => e.Target == "audited");

        Assert.Equal("test-operator", latest.By);
        Assert.Equal(0.1, latest.From?.Threshold);
        Assert.Equal(0.2, latest.To?.Threshold);
        Assert.Contains("PUT", latest.Reason, StringComparison.Ordinal);
    }
}
