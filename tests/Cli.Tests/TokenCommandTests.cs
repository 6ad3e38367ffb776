namespace Edge.Cli.Tests;

using System.Text.Json;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

/// <summary><c>edge tokens</c> and <c>edge devices enroll|revoke</c> against a real cloud, and what a missing token says.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_created_token_works_once_then_is_listed_and_after_revoke_is_refused()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        var url = cloud.Url.ToString();

        var (createCode, created) = await CliRunner.RunAsync("tokens", "create", "erin", "--role", "viewer", "--cloud", url);
        var secret = created.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("edge_", StringComparison.Ordinal));
        var id = created.Split(' ')[2];
        var (readCode, read) = await CliRunner.RunAsAsync(new Dictionary<string, string?> { ["EDGE_TOKEN"] = secret }, "thresholds", "get", "--cloud", url);
        var (writeCode, write) = await CliRunner.RunAsAsync(new Dictionary<string, string?> { ["EDGE_TOKEN"] = secret }, "thresholds", "set", "--fleet", "0.9", "--cloud", url);
        var (listCode, list) = await CliRunner.RunAsync("tokens", "list", "--cloud", url);
        var (revokeCode, _) = await CliRunner.RunAsync("tokens", "revoke", id, "--cloud", url);
        var (afterCode, after) = await CliRunner.RunAsAsync(new Dictionary<string, string?> { ["EDGE_TOKEN"] = secret }, "thresholds", "get", "--cloud", url);

        Assert.True(createCode == 0, created);
        Assert.True(readCode == 0, read);
        Assert.Equal(1, writeCode);
        Assert.Contains("403", write, StringComparison.Ordinal);
        Assert.True(listCode == 0, list);
        Assert.Contains("erin", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.Equal(0, revokeCode);
        Assert.Equal(1, afterCode);
        Assert.Contains("401", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_the_cli_says_where_to_put_one()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);

        var (code, output) = await CliRunner.RunAsAsync(
            new Dictionary<string, string?> { ["EDGE_CONFIG"] = Path.Combine(_folder.Path, "none.json") }, "thresholds", "get", "--cloud", cloud.Url.ToString());

        Assert.Equal(1, code);
        Assert.Contains("EDGE_TOKEN", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Devices_enroll_writes_an_owner_only_credentials_file_and_revoke_withdraws_it()
    {
        await using var cloud = await RealCloud.StartAsync(Ct);
        var url = cloud.Url.ToString();
        var path = Path.Combine(_folder.Path, "cam-3.credentials.json");

        var (enrollCode, enrolled) = await CliRunner.RunAsync("devices", "enroll", "cam-3", "--group", "gate", "--out", path, "--cloud", url);
        var credentials = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, Ct), EdgeJsonContext.Default.DeviceCredentials)!;
        var (revokeCode, revoked) = await CliRunner.RunAsync("devices", "revoke", "cam-3", "--cloud", url);
        var (againCode, again) = await CliRunner.RunAsync("devices", "revoke", "cam-3", "--cloud", url);

        Assert.True(enrollCode == 0, enrolled);
        Assert.Equal(("cam-3", "gate"), (credentials.DeviceId, credentials.Group));
        Assert.StartsWith("edge_", credentials.Secret, StringComparison.Ordinal);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the credentials file is 0600");
        Assert.True(revokeCode == 0, revoked);
        Assert.Equal(1, againCode);
        Assert.Contains("no credential to revoke", again, StringComparison.Ordinal);
    }
}
