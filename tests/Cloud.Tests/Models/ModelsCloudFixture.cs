namespace Edge.Cloud.Tests.Models;

using System.Net.Http.Headers;
using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Xunit;

/// <summary>A cloud whose model store lives in a temp folder, shared by the model registry tests.</summary>
public sealed class ModelsCloudFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private CloudHost? _host;

    internal CloudHost Host => _host ?? throw new InvalidOperationException("the fixture is not initialised");

    internal string StorePath => Path.Combine(_folder.Path, "models");

    public async ValueTask InitializeAsync() =>
        _host = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Models:StorePath"] = StorePath });

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>
    /// The publish form: a model file, a manifest and any extra parts (name → JSON). The digits data sets go in as
    /// <c>calibration</c> and <c>heldout</c> unless <paramref name="parts"/> names its own or <paramref name="digits"/> is false.
    /// </summary>
    internal static MultipartFormDataContent Form(byte[] model, string manifestFile = "digits-edge.manifest.json", bool digits = true, params (string Name, string Json)[] parts)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(model);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "model", "model.onnx");
        var manifest = new ByteArrayContent(File.ReadAllBytes(RepoPaths.Model(manifestFile)));
        manifest.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(manifest, "manifest", "manifest.json");
        foreach (var (name, json) in parts)
        {
            form.Add(new StringContent(json, System.Text.Encoding.UTF8, "application/json"), name, name + ".json");
        }

        foreach (var (name, data) in new[] { ("calibration", "digits-calibration.json"), ("heldout", "digits-heldout.json") })
        {
            if (digits && parts.All(p => p.Name != name))
            {
                form.Add(new ByteArrayContent(File.ReadAllBytes(RepoPaths.Data(data))), name, data);
            }
        }

        return form;
    }
}
