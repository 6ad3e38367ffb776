namespace Edge.Integration.Tests;

using System.Net;
using System.Text;
using Edge.Shared.Inference;
using Edge.TestSupport;

/// <summary>Bad bodies get a clear 4xx from either API, and both keep answering good requests.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string, string, HttpStatusCode> Bodies => new()
    {
        { "application/json", "{\"shape\":[1,1,8,8],\"data\":[1,2", HttpStatusCode.BadRequest },
        { "application/json", "{\"shape\":[1,1,8,9],\"data\":[" + string.Join(',', Enumerable.Repeat("1", 72)) + "]}", HttpStatusCode.BadRequest },
        { "application/json", "{\"shape\":[1,1,8,8],\"data\":\"zero\"}", HttpStatusCode.BadRequest },
        { "image/png", "definitely not a png", HttpStatusCode.BadRequest },
        { "text/plain", "8", HttpStatusCode.UnsupportedMediaType },
        { "application/json", "{\"shape\":[1,1,8,8],\"data\":[" + new string('1', 5 * 1024 * 1024) + "]}", HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Both_apis_refuse_bad_bodies_with_a_message_and_keep_serving(string contentType, string body, HttpStatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await EdgeStack.StartAsync(null, agentOverrides: new Dictionary<string, string?> { ["Mqtt:Enabled"] = "false" }, cancellationToken: ct);
        foreach (var http in new[] { stack.AgentHttp, stack.CloudHttp })
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await http.PostAsync("/v1/infer", content, ct);
            Assert.Equal(expected, response.StatusCode);
            var problem = await response.Content.ReadAsStringAsync(ct);
            Assert.Contains("detail", problem, StringComparison.Ordinal);
        }

        var answer = await stack.InferAsync(HeldOut.Digits[0].Pixels, ct);
        Assert.NotEqual(Decision.LocalDegraded, answer.Decision);
    }
}
