namespace Edge.Agent.Tests.Support;

using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

/// <summary>Request bodies (tensors and pictures of held-out digits) and answer parsing for the agent's <c>/v1/infer</c>.</summary>
internal static class Requests
{
    public static HttpContent Tensor(float[] pixels) =>
        JsonContent.Create(new TensorPayload { Shape = [1, 1, 8, 8], Data = pixels }, EdgeJsonContext.Default.TensorPayload);

    public static HttpContent HeldOutTensor(int index) => Tensor(HeldOut.Digits[index].Pixels);

    /// <summary>Held-out digit 0 (a "1" both models answer correctly) as a PNG, dark ink on white, with its label.</summary>
    public static (byte[] Png, string Label) DigitPng()
    {
        var sample = HeldOut.Digits[0];
        return (TestImages.DigitPng(sample.Pixels, 4), sample.Label.ToString(CultureInfo.InvariantCulture));
    }

    public static HttpContent Raw(string body, string contentType) => new StringContent(body, Encoding.UTF8, contentType);

    public static HttpContent Bytes(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return content;
    }

    public static async Task<InferenceAnswer> InferAsync(this HttpClient http, HttpContent content)
    {
        using var response = await http.PostAsync("/v1/infer", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize(text, EdgeJsonContext.Default.InferenceAnswer)!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or 10 s pass (for background work with no event to await).</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
