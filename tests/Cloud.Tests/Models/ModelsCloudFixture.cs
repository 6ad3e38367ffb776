namespace Edge.Cloud.Tests.Models;

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Xunit;

/// <summary>
/// A cloud whose model store lives in a temp folder, shared by the model registry tests. It runs the real default
/// (Models:RequireReference), so the admin sets a reference set for every name the tests publish, as a deployment would.
/// </summary>
public sealed class ModelsCloudFixture : IAsyncLifetime
{
    /// <summary>Top-1 every digit model here must reach on the held-out digits (digits-edge scores 92.78 %).</summary>
    public const double DigitsFloor = 0.9;

    /// <summary>Names the tests publish digit models under, each judged on the held-out digits.</summary>
    private static readonly string[] DigitNames =
    [
        "digits-edge", "digits-list", "digits-bad", "digits-nocal", "byo-flat", "byo-flat-int8", "digits-unjudged", "digits-nogate",
        "digits-waived", "digits-nocalibration", "digits-cat", "digits-garbled", "digits-exclude", "digits-options",
    ];

    private readonly TempFolder _folder = new();
    private CloudHost? _host;

    internal CloudHost Host => _host ?? throw new InvalidOperationException("the fixture is not initialised");

    internal string StorePath => Path.Combine(_folder.Path, "models");

    public async ValueTask InitializeAsync()
    {
        _host = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Models:StorePath"] = StorePath });
        foreach (var name in DigitNames)
        {
            await SetReferenceAsync(_host.Http, name, RepoPaths.Data("digits-heldout.json"), DigitsFloor);
        }

        await SetReferenceAsync(_host.Http, "byo-uint8", RepoPaths.Model("byo/data/byo-nhwc-uint8-heldout.jsonl"), DigitsFloor);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>The admin's <c>PUT /v1/models/{name}/reference</c> with a data file and a floor; asserts it was taken.</summary>
    internal static async Task SetReferenceAsync(HttpClient http, string name, string dataFile, double floor)
    {
        using var form = ReferenceForm(File.ReadAllBytes(dataFile), floor.ToString("R", CultureInfo.InvariantCulture));
        using var response = await http.PutAsync($"/v1/models/{name}/reference", form, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"reference {name} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    /// <summary>The reference form: a <c>data</c> part and a <c>floor</c> field, either left out when null.</summary>
    internal static MultipartFormDataContent ReferenceForm(byte[]? data, string? floor)
    {
        var form = new MultipartFormDataContent();
        if (data is not null)
        {
            form.Add(new ByteArrayContent(data), "data", "reference.jsonl");
        }

        if (floor is not null)
        {
            form.Add(new StringContent(floor), "floor");
        }

        return form;
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
