namespace Edge.Cloud.Tests.Storage;

using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Xunit;

/// <summary>The database holds camera payloads, the key signs what devices install: only the cloud's user may read them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_database_its_wal_and_shm_and_the_signing_key_are_created_0600()
    {
        // Before: edge-cloud.db and its -wal/-shm were 0644 (umask 022), readable by every local user.
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        await cloud.Http.PutJsonAsync("/v1/thresholds/fleet", """{"threshold":0.5}""", deadline.Token);

        var db = Path.Combine(_folder.Path, "cloud.db");
        Assert.All([db, db + "-wal", db + "-shm"], path => Assert.Equal(OwnerOnly, File.GetUnixFileMode(path)));

        // The key sits next to the database by default, never in the build output.
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_folder.Path, "keys", "signing.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_folder.Path, "keys")));
    }

    [Fact]
    public async Task A_database_left_0644_by_an_older_version_is_tightened_at_start()
    {
        var db = Path.Combine(_folder.Path, "cloud.db");
        await (await CloudHost.StartAsync(_folder.Path)).DisposeAsync();
        File.SetUnixFileMode(db, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var cloud = await CloudHost.StartAsync(_folder.Path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(db));
    }
}
