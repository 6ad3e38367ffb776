namespace Edge.Updates.Tests;

using System.Text;
using Edge.Shared.Updates;
using Edge.Updates.Tests.Support;
using NSec.Cryptography;

public sealed class SigningTests
{
    private static PackageManifest Manifest() => new()
    {
        Name = "digits-edge",
        Version = "2",
        ModelSha256 = new string('a', 64),
        ModelSize = 10,
        Model = Models.Manifest("digits-edge"),
        Payloads = [new PackagePayload { Sha256 = new string('b', 64), Size = 5 }],
    };

    [Fact]
    public void A_package_signed_by_a_trusted_key_verifies_to_the_same_manifest()
    {
        using var key = SigningKey.Generate();
        var package = key.Sign(Manifest());

        var manifest = new TrustedKeys([key.PublicKey]).Verify(package);

        Assert.Equal("digits-edge", manifest.Name);
        Assert.Equal("2", manifest.Version);
        Assert.Equal(key.KeyId, package.KeyId);
        Assert.Equal(16, key.KeyId.Length);
    }

    [Fact]
    public void Both_keys_verify_during_a_rotation()
    {
        using var oldKey = SigningKey.Generate();
        using var newKey = SigningKey.Generate();
        var trusted = new TrustedKeys([oldKey.PublicKey, newKey.PublicKey]);

        Assert.Equal("2", trusted.Verify(oldKey.Sign(Manifest())).Version);
        Assert.Equal("2", trusted.Verify(newKey.Sign(Manifest())).Version);
        Assert.Equal(2, trusted.KeyIds.Count);
        Assert.NotEqual(oldKey.KeyId, newKey.KeyId);
    }

    [Fact]
    public void Refuses_a_package_signed_by_an_unknown_key()
    {
        using var trustedKey = SigningKey.Generate();
        using var stranger = SigningKey.Generate();

        var e = Assert.Throws<PackageRejectedException>(() => new TrustedKeys([trustedKey.PublicKey]).Verify(stranger.Sign(Manifest())));

        Assert.Equal(UpdateFailure.UnknownSigningKey, e.Failure);
        Assert.Contains(stranger.KeyId, e.Message, StringComparison.Ordinal);
        Assert.Contains(trustedKey.KeyId, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_signature_made_by_another_key_under_a_trusted_key_id()
    {
        using var trustedKey = SigningKey.Generate();
        using var attacker = SigningKey.Generate();
        var forged = attacker.Sign(Manifest());
        forged.KeyId = trustedKey.KeyId;

        var e = Assert.Throws<PackageRejectedException>(() => new TrustedKeys([trustedKey.PublicKey]).Verify(forged));

        Assert.Equal(UpdateFailure.BadSignature, e.Failure);
    }

    [Fact]
    public void Refuses_a_manifest_changed_after_signing()
    {
        using var key = SigningKey.Generate();
        var package = key.Sign(Manifest());
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(package.Manifest)).Replace("\"digits-edge\"", "\"digits-evil\"", StringComparison.Ordinal);
        package.Manifest = Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

        var e = Assert.Throws<PackageRejectedException>(() => new TrustedKeys([key.PublicKey]).Verify(package));

        Assert.Equal(UpdateFailure.BadSignature, e.Failure);
    }

    [Theory]
    [InlineData("manifest")]
    [InlineData("signature")]
    public void Refuses_a_package_whose_base64_does_not_decode(string field)
    {
        using var key = SigningKey.Generate();
        var package = key.Sign(Manifest());
        if (field == "manifest")
        {
            package.Manifest = "not base64!";
        }
        else
        {
            package.Signature = "%%%";
        }

        var e = Assert.Throws<PackageRejectedException>(() => new TrustedKeys([key.PublicKey]).Verify(package));

        Assert.Equal(UpdateFailure.MalformedPackage, e.Failure);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"name\":\"digits-edge\"}")]
    [InlineData("{\"name\":\"digits-edge\",\"version\":\"2\",\"modelSha256\":\"aa\",\"model\":null,\"payloads\":[],\"modelSize\":\"10\"}")]
    public void Refuses_correctly_signed_bytes_that_are_not_a_manifest(string json)
    {
        using var key = SigningKey.Generate();
        var bytes = Encoding.UTF8.GetBytes(json);
        using var nsecKey = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(key.ExportPrivateKey()), KeyBlobFormat.RawPrivateKey);
        var package = new SignedPackage
        {
            Manifest = Convert.ToBase64String(bytes),
            KeyId = key.KeyId,
            Signature = Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(nsecKey, bytes)),
        };

        var e = Assert.Throws<PackageRejectedException>(() => new TrustedKeys([key.PublicKey]).Verify(package));

        Assert.Equal(UpdateFailure.MalformedPackage, e.Failure);
    }

    [Fact]
    public void A_trusted_key_that_is_not_a_public_key_is_named_in_the_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrustedKeys(["c2hvcnQ="]));

        Assert.Contains("c2hvcnQ=", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_round_trips_through_its_seed()
    {
        using var key = SigningKey.Generate();
        using var again = SigningKey.FromPrivateKey(key.ExportPrivateKey());

        Assert.Equal(key.PublicKey, again.PublicKey);
        Assert.Equal(32, Convert.FromBase64String(key.ExportPrivateKey()).Length);
        Assert.Throws<ArgumentException>(() => SigningKey.FromPrivateKey("dG9vIHNob3J0"));
    }

    [Fact]
    public void LoadOrCreate_creates_a_private_file_then_reloads_the_same_key()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edge-updates-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(dir, "keys", "signing.key");
        try
        {
            string publicKey;
            using (var created = SigningKey.LoadOrCreate(path))
            {
                publicKey = created.PublicKey;
            }

            using var loaded = SigningKey.LoadOrCreate(path);

            Assert.Equal(publicKey, loaded.PublicKey);
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
