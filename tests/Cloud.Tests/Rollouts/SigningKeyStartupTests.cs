namespace Edge.Cloud.Tests.Rollouts;

using Edge.Cloud.Rollouts;
using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Edge.Updates;
using Xunit;

/// <summary>
/// The signing key fails closed. Before: a missing key was silently replaced (every device then refused every package)
/// and a world-readable key was used as it was.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SigningKeyStartupTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string KeyPath => Path.Combine(_folder.Path, "keys", "signing.key");

    private string PackagePath => Path.Combine(_folder.Path, "packages");

    [Fact]
    public async Task A_missing_key_with_signed_packages_stored_refuses_to_start_and_says_how_to_restore_or_rotate()
    {
        WriteSignedPackage();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => CloudHost.StartAsync(_folder.Path, Settings()));

        Assert.Contains($"{KeyPath} is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Restore the key file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Rollouts:RotateSigningKey=true", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(KeyPath));
    }

    [Fact]
    public async Task An_explicit_rotation_creates_a_new_key_although_packages_were_signed()
    {
        WriteSignedPackage();
        var settings = Settings();
        settings["Rollouts:RotateSigningKey"] = "true";

        await using var cloud = await CloudHost.StartAsync(_folder.Path, settings);

        Assert.Equal(cloud.Service<SigningKeyProvider>().Key.PublicKey, SigningKey.LoadOrCreate(KeyPath).PublicKey);
    }

    [Fact]
    public async Task A_fresh_install_creates_its_key_0600()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path, Settings());

        Assert.Equal(KeyPath, cloud.Service<SigningKeyProvider>().Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
    }

    [Fact]
    public async Task A_key_readable_by_group_or_others_refuses_to_start()
    {
        SigningKey.LoadOrCreate(KeyPath).Dispose();
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => CloudHost.StartAsync(_folder.Path, Settings()));

        Assert.Contains("has mode 0644", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {KeyPath}", ex.Message, StringComparison.Ordinal);
    }

    // No SigningKeyPath: the default, next to the database in the folder.
    private Dictionary<string, string?> Settings() => new() { ["Rollouts:PackagePath"] = PackagePath };

    private void WriteSignedPackage()
    {
        var folder = Path.Combine(PackagePath, "digits-edge", "1.0.0");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, PackageStore.PackageFile), "{}");
    }
}
