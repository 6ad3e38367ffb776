namespace Edge.Cloud.Tests.Support;

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

internal static class HttpExtensions
{
    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient http, string path, string json, CancellationToken cancellationToken) =>
        http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public static Task<HttpResponseMessage> PostBytesAsync(this HttpClient http, string path, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return http.PostAsync(path, content, cancellationToken);
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {body}");
        }

        return JsonSerializer.Deserialize(body, type) ?? throw new InvalidDataException("null body");
    }

    /// <summary>The ProblemDetails <c>detail</c> of an error answer (fails when the body is not ProblemDetails).</summary>
    public static async Task<string> ProblemDetailAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            throw new InvalidDataException($"expected application/problem+json, got {response.Content.Headers.ContentType}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("detail").GetString() ?? string.Empty;
    }
}
