namespace Edge.Cli.Cloud;

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

/// <summary>The cloud's HTTP API with every failure turned into a <see cref="CloudException"/> that says what happened.</summary>
internal sealed class CloudClient : IDisposable
{
    private readonly HttpClient _http;

    public CloudClient(Uri baseAddress, string? token)
    {
        BaseAddress = baseAddress;

        // Publishing quantizes on the cloud; a camera-scale model takes seconds, never minutes.
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress { get; }

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync(response, type, cancellationToken);
    }

    /// <summary>The value, or null when the cloud answers 404 (nothing there).</summary>
    public async Task<T?> FindAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken, allowNotFound: true);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync(response, type, cancellationToken);
    }

    public async Task<TResult> PutJsonAsync<TBody, TResult>(string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, bodyType), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync(response, resultType, cancellationToken);
    }

    public async Task<T> PutAsync<T>(string path, HttpContent content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Put, path) { Content = content }, cancellationToken);
        return await ReadAsync(response, type, cancellationToken);
    }

    public async Task<T> PostAsync<T>(string path, HttpContent content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, cancellationToken);
        return await ReadAsync(response, type, cancellationToken);
    }

    public async Task<TResult> PostJsonAsync<TBody, TResult>(string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body, bodyType), Encoding.UTF8, "application/json");
        return await PostAsync(path, content, resultType, cancellationToken);
    }

    /// <summary>A POST without a body (an action such as resume or abort).</summary>
    public async Task<T> PostAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path), cancellationToken);
        return await ReadAsync(response, type, cancellationToken);
    }

    /// <summary>A request answered with no body (204): a revocation.</summary>
    public async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(method, path), cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        using (request)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new CloudException(
                    $"cannot reach the cloud at {BaseAddress} ({e.Message}); start it, or point this tool at it with --cloud URL or ${CloudOption.EnvironmentVariable}",
                    1,
                    e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CloudException($"the cloud at {BaseAddress} did not answer within {_http.Timeout.TotalSeconds:F0} s", 1, e);
            }

            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
            {
                return response;
            }

            using (response)
            {
                var detail = await ProblemDetailAsync(response, cancellationToken);
                var status = detail.Length > 0 ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) : $"{(int)response.StatusCode} {response.ReasonPhrase}";
                var hint = response.StatusCode == HttpStatusCode.Unauthorized
                    ? $" (set ${CliToken.EnvironmentVariable}, or put the token in {CliToken.DefaultConfigPath()})"
                    : string.Empty;
                throw new CloudException($"the cloud refused {request.Method} {request.RequestUri} ({status}): {detail}{hint}");
            }
        }
    }

    /// <summary>A ProblemDetails body as "title: detail"; anything else as the start of the body.</summary>
    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var title = Text(document.RootElement, "title");
                var detail = Text(document.RootElement, "detail");
                if (title is not null || detail is not null)
                {
                    return title is null || string.Equals(title, detail, StringComparison.Ordinal) ? detail ?? string.Empty
                        : detail is null ? title
                        : $"{title}: {detail}";
                }
            }
        }
        catch (JsonException)
        {
            // Not ProblemDetails (a proxy's HTML page, say): show the start of what came back.
        }

        return body.Length > 300 ? body[..300] + "…" : body;
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken)
                ?? throw new CloudException($"the cloud answered {response.RequestMessage?.RequestUri} with null");
        }
        catch (JsonException e)
        {
            throw new CloudException($"the cloud's answer to {response.RequestMessage?.RequestUri} is not what this tool expects: {e.Message}", 1, e);
        }
    }
}
