namespace Edge.Updates.Tests;

using Edge.Shared.Updates;
using Edge.Updates.Tests.Support;

public sealed class PackageCheckTests
{
    private static readonly string FullSha = new('1', 64);
    private static readonly string BaseA = new('a', 64);
    private static readonly string BaseB = new('b', 64);

    private static PackageManifest Manifest(string deviceClass = "any", long modelSize = 3000) => new()
    {
        Name = "digits-edge",
        Version = "2",
        DeviceClass = deviceClass,
        ModelSha256 = new string('c', 64),
        ModelSize = modelSize,
        Model = Models.Manifest("digits-edge"),
        Payloads =
        [
            new PackagePayload { Sha256 = FullSha, Size = 1000, Kind = PayloadKind.Full },
            new PackagePayload { Sha256 = new string('2', 64), Size = 300, Kind = PayloadKind.Delta, BaseVersion = "1", BaseSha256 = BaseA },
            new PackagePayload { Sha256 = new string('3', 64), Size = 200, Kind = PayloadKind.Delta, BaseVersion = "0", BaseSha256 = BaseB },
        ],
    };

    [Fact]
    public void A_package_for_this_model_and_device_passes()
    {
        PackageChecks.Validate(Manifest("linux-arm64"), "digits-edge", "Linux-ARM64", 10_000);
        PackageChecks.Validate(Manifest(), "digits-edge", "linux-x64", 10_000);
    }

    [Fact]
    public void Refuses_a_package_for_another_model()
    {
        var e = Assert.Throws<PackageRejectedException>(() => PackageChecks.Validate(Manifest(), "camera-mnv2", "any", 10_000));

        Assert.Equal(UpdateFailure.WrongModel, e.Failure);
        Assert.Contains("camera-mnv2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_package_for_another_device_class()
    {
        var e = Assert.Throws<PackageRejectedException>(() => PackageChecks.Validate(Manifest("jetson"), "digits-edge", "linux-arm64", 10_000));

        Assert.Equal(UpdateFailure.WrongDeviceClass, e.Failure);
    }

    [Fact]
    public void Refuses_a_model_declared_larger_than_the_limit()
    {
        var e = Assert.Throws<PackageRejectedException>(() => PackageChecks.Validate(Manifest(modelSize: 50_000), "digits-edge", "any", 10_000));

        Assert.Equal(UpdateFailure.TooLarge, e.Failure);
        Assert.Contains("50000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_payload_larger_than_the_limit()
    {
        var manifest = Manifest();
        manifest.Payloads[0].Size = 20_000;

        var e = Assert.Throws<PackageRejectedException>(() => PackageChecks.Validate(manifest, "digits-edge", "any", 10_000));

        Assert.Equal(UpdateFailure.TooLarge, e.Failure);
    }

    [Fact]
    public void Refuses_malformed_payload_lists()
    {
        var noFull = Manifest();
        noFull.Payloads = noFull.Payloads[1..];
        var badHash = Manifest();
        badHash.Payloads[0].Sha256 = "ABC";
        var deltaWithoutBase = Manifest();
        deltaWithoutBase.Payloads[1].BaseSha256 = null;
        var zeroSize = Manifest(modelSize: 0);

        foreach (var manifest in new[] { noFull, badHash, deltaWithoutBase, zeroSize })
        {
            var e = Assert.Throws<PackageRejectedException>(() => PackageChecks.Validate(manifest, "digits-edge", "any", 10_000));
            Assert.Equal(UpdateFailure.MalformedPackage, e.Failure);
        }
    }

    [Fact]
    public void Chooses_the_smallest_delta_whose_base_is_installed()
    {
        Assert.Equal(BaseB, PackageChecks.Choose(Manifest(), [BaseA, BaseB]).BaseSha256);
        Assert.Equal(BaseA, PackageChecks.Choose(Manifest(), [BaseA]).BaseSha256);
    }

    [Fact]
    public void Chooses_the_full_payload_without_an_installed_base()
    {
        Assert.Equal(FullSha, PackageChecks.Choose(Manifest(), [new string('d', 64)]).Sha256);
        Assert.Equal(FullSha, PackageChecks.Choose(Manifest(), []).Sha256);
    }
}
