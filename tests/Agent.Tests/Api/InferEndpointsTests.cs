namespace Edge.Agent.Tests.Api;

using System.Net;
using System.Text;
using Edge.Agent.Tests.Support;
using Edge.Shared.Inference;
using Edge.TestSupport;
using Xunit;

/// <summary>Bad input gets the right 4xx with a ProblemDetails detail, and the agent keeps answering.</summary>
public sealed class InferenceApiTests
{
    [Fact]
    public async Task Malformed_json_is_a_400_and_the_next_good_request_is_answered()
    {
        await AssertRefusedThenServesAsync(Requests.Raw("{\"shape\": [1,1,8,8], \"data\": [1, 2,", "application/json"), HttpStatusCode.BadRequest, "malformed JSON");
    }

    [Fact]
    public async Task A_quoted_number_is_refused_naming_the_element()
    {
        await AssertRefusedThenServesAsync(Requests.Raw("{\"shape\": [8,8], \"data\": [\"1\"]}", "application/json"), HttpStatusCode.BadRequest, "data[0] must be a number, got the string");
    }

    [Fact]
    public async Task NaN_is_refused_naming_the_element()
    {
        var data = string.Join(',', Enumerable.Repeat("NaN", 64));
        await AssertRefusedThenServesAsync(
            Requests.Raw($"{{\"shape\": [8,8], \"data\": [{data}]}}", "application/json"), HttpStatusCode.BadRequest, "malformed JSON in data[0]");
    }

    [Fact]
    public async Task A_value_beyond_float_range_is_refused()
    {
        var data = string.Join(',', Enumerable.Repeat("1e39", 64));
        await AssertRefusedThenServesAsync(
            Requests.Raw($"{{\"shape\": [8,8], \"data\": [{data}]}}", "application/json"), HttpStatusCode.BadRequest, "data[0] is 1e39, beyond the range of a float");
    }

    [Fact]
    public async Task A_wrong_shape_is_a_400_naming_the_expected_shape()
    {
        var body = Requests.Raw($"{{\"shape\": [1,1,8,9], \"data\": [{string.Join(',', new int[72])}]}}", "application/json");
        await AssertRefusedThenServesAsync(body, HttpStatusCode.BadRequest, "expected shape [1,1,8,8] (64 values), got [1,1,8,9]");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var big = new string(' ', 5000);
        await AssertRefusedThenServesAsync(Requests.Raw($"{{\"shape\": [8,8],{big} \"data\": []}}", "application/json"), HttpStatusCode.RequestEntityTooLarge, "exceeds the limit of 4096 bytes");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_a_413_without_a_content_length()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{" + new string(' ', 10_000) + "}")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = null;
        await AssertRefusedThenServesAsync(content, HttpStatusCode.RequestEntityTooLarge, "exceeds the limit of 4096 bytes", chunked: true);
    }

    [Fact]
    public async Task An_unsupported_content_type_is_a_415()
    {
        await AssertRefusedThenServesAsync(Requests.Raw("1,2,3", "text/csv"), HttpStatusCode.UnsupportedMediaType, "unsupported content type 'text/csv");
    }

    [Fact]
    public async Task A_corrupt_png_is_a_400()
    {
        var png = TestImages.DigitPng(HeldOut.Digits[0].Pixels, block: 4);
        Array.Fill(png, (byte)0x42, 40, png.Length - 60);
        await AssertRefusedThenServesAsync(Requests.Bytes(png, "image/png"), HttpStatusCode.BadRequest, "image");
    }

    [Fact]
    public async Task A_png_digit_is_answered()
    {
        await using var agent = await StartAgentAsync();
        var answer = await agent.Http.InferAsync(Requests.Bytes(TestImages.DigitPng(HeldOut.Digits[0].Pixels, block: 8), "image/png"));
        Assert.Equal(Decision.Local, answer.Decision);
        Assert.Equal("1.0.0", answer.ModelVersion);
    }

    private static Task<TestAgentHost> StartAgentAsync() => TestAgentHost.StartAsync(
        $"http://127.0.0.1:{FreePort.Next()}",
        new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "0", ["Api:MaxBodyBytes"] = "4096" });

    private static async Task AssertRefusedThenServesAsync(HttpContent bad, HttpStatusCode status, string detail, bool chunked = false)
    {
        await using var agent = await StartAgentAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/infer") { Content = bad };
        request.Headers.TransferEncodingChunked = chunked ? true : null;
        using var response = await agent.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains(detail, text, StringComparison.Ordinal);

        var next = await agent.Http.InferAsync(Requests.HeldOutTensor(0));
        Assert.Equal(Decision.Local, next.Decision);
    }
}
