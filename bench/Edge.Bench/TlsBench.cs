namespace Edge.Bench;

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Edge.Agent;
using Edge.Cloud;
using Edge.Demo;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.Shared.Tls;
using Edge.TestSupport;
using Edge.TestSupport.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;

/// <summary>
/// What TLS costs the agent's fallback path, side by side in one run against one real cloud that listens on plain
/// HTTP and HTTPS at once (same process, same model, same loopback): POST /v1/infer with connection reuse, the same
/// through two real agents whose cloud is the http or the https address, and cold reconnects (a new connection per
/// request; a new MQTT connection to the embedded broker's plain and TLS listeners). Rounds are interleaved so drift
/// on the machine hits both alike. ECDSA P-256 certificates, as TestCertificates and the openssl steps make them.
/// </summary>
internal static class TlsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var warm = AnswerPathBench.ArgInt(args, "--requests", 4_000);
        var cold = AnswerPathBench.ArgInt(args, "--cold", 400);
        const int rounds = 10;
        var folder = Directory.CreateTempSubdirectory("edge-bench-tls-").FullName;
        try
        {
            var certificates = TestCertificates.Create(folder);
            var (httpPort, httpsPort, mqttPort, mqttTlsPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next());
            await using var cloud = CloudApplication.Create([], new Dictionary<string, string?>(TestCredentials.Cloud("dev-001"))
            {
                ["Cloud:Urls"] = $"http://127.0.0.1:{httpPort};https://127.0.0.1:{httpsPort}",
                ["Cloud:Tls:CertificatePath"] = certificates.ServerCertificatePath,
                ["Cloud:Tls:KeyPath"] = certificates.ServerKeyPath,
                ["Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "cloud.db")}",
                ["Mqtt:EmbeddedPort"] = Str(mqttPort),
                ["Mqtt:Tls:CertificatePath"] = certificates.ServerCertificatePath,
                ["Mqtt:Tls:KeyPath"] = certificates.ServerKeyPath,
                ["Mqtt:Tls:Port"] = Str(mqttTlsPort),
                ["Mqtt:Tls:KeepPlainOnLoopback"] = "true",
                ["Models:StorePath"] = Path.Combine(folder, "models"),
                ["Rollouts:SigningKeyPath"] = Path.Combine(folder, "keys", "signing.key"),
                ["Rollouts:PackagePath"] = Path.Combine(folder, "packages"),
                ["Admission:MaxConcurrency"] = "64",
                ["Serilog:MinimumLevel:Default"] = "Warning",
                ["Serilog:MinimumLevel:Override:Microsoft"] = "Error",
                ["Serilog:MinimumLevel:Override:Edge"] = "Error",
            });
            await cloud.StartAsync();
            await using var plainAgent = await StartAgentAsync($"http://127.0.0.1:{httpPort}", null);
            await using var tlsAgent = await StartAgentAsync($"https://127.0.0.1:{httpsPort}", certificates.CaPath);

            var roots = TlsFiles.LoadCertificates(certificates.CaPath, "ca");
            var body = JsonSerializer.SerializeToUtf8Bytes(new TensorPayload { Shape = [1, 1, 8, 8], Data = HeldOut.Digits[0].Pixels }, EdgeJsonContext.Default.TensorPayload);
            using var http = Client(roots);
            using var https = Client(roots);
            using var viaPlainAgent = new HttpClient { BaseAddress = new Uri(plainAgent.Urls.First()) };
            using var viaTlsAgent = new HttpClient { BaseAddress = new Uri(tlsAgent.Urls.First()) };
            var paths = new (string Name, Func<Task> Call)[]
            {
                ("cloud over HTTP", () => PostAsync(http, $"http://127.0.0.1:{httpPort}/v1/infer", body)),
                ("cloud over HTTPS", () => PostAsync(https, $"https://127.0.0.1:{httpsPort}/v1/infer", body)),
                ("agent → cloud HTTP", () => PostAsync(viaPlainAgent, "/v1/infer", body)),
                ("agent → cloud HTTPS", () => PostAsync(viaTlsAgent, "/v1/infer", body)),
            };
            var coldPaths = new (string Name, Func<Task> Call)[]
            {
                ("cold HTTP request", () => ColdAsync(roots, $"http://127.0.0.1:{httpPort}/v1/infer", body)),
                ("cold HTTPS request", () => ColdAsync(roots, $"https://127.0.0.1:{httpsPort}/v1/infer", body)),
                ("cold MQTT connect", () => MqttConnectAsync(mqttPort, null)),
                ("cold MQTT TLS connect", () => MqttConnectAsync(mqttTlsPort, roots)),
            };

            foreach (var (_, call) in paths.Concat(coldPaths))
            {
                for (var i = 0; i < 200; i++)
                {
                    await call();
                }
            }

            var times = paths.Concat(coldPaths).ToDictionary(p => p.Name, _ => new List<double>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, call) in paths)
                {
                    await TimeAsync(call, warm / rounds, times[name]);
                }

                foreach (var (name, call) in coldPaths)
                {
                    await TimeAsync(call, cold / rounds, times[name]);
                }
            }

            Console.WriteLine($"{warm} warm requests per path, {cold} cold ones, {rounds} interleaved rounds; ECDSA P-256 certificates; {Environment.ProcessorCount} cores");
            Console.WriteLine("| path | p50 ms | p99 ms |");
            Console.WriteLine("|---|---|---|");
            var p = times.ToDictionary(t => t.Key, t => Stats(t.Value));
            foreach (var (name, (p50, p99)) in p)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {p50:0.000} | {p99:0.000} |"));
            }

            Ratio("HTTPS / HTTP, cloud, connection reused", p["cloud over HTTPS"], p["cloud over HTTP"]);
            Ratio("HTTPS / HTTP, agent fallback path", p["agent → cloud HTTPS"], p["agent → cloud HTTP"]);
            Ratio("HTTPS / HTTP, new connection per request", p["cold HTTPS request"], p["cold HTTP request"]);
            Ratio("TLS / plain, MQTT connect", p["cold MQTT TLS connect"], p["cold MQTT connect"]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"TLS handshake (cold HTTPS − cold HTTP, p50): {p["cold HTTPS request"].P50 - p["cold HTTP request"].P50:0.000} ms; MQTT TLS connect − plain (p50): {p["cold MQTT TLS connect"].P50 - p["cold MQTT connect"].P50:0.000} ms"));
            await cloud.StopAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<WebApplication> StartAgentAsync(string cloudUrl, string? caPath)
    {
        var agent = AgentApplication.Create([], new Dictionary<string, string?>(TestCredentials.Agent("dev-001"))
        {
            ["Agent:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Agent:StateDirectory"] = Directory.CreateTempSubdirectory("edge-bench-tls-agent-").FullName,
            ["Cloud:BaseUrl"] = cloudUrl,
            ["Cloud:CaCertificatePath"] = caPath,
            ["Cloud:AttemptTimeout"] = "00:00:10",
            ["Cloud:Deadline"] = "00:00:20",
            ["Mqtt:Enabled"] = "false",
            ["Routing:DefaultThreshold"] = "1.5", // every answer goes to the cloud: the fallback path itself
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await agent.StartAsync();
        return agent;
    }

    private static HttpClient Client(X509Certificate2Collection roots, bool pooled = true)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = pooled ? Timeout.InfiniteTimeSpan : TimeSpan.Zero };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, c, chain, errors) => CertificateTrust.IsTrusted(c, chain, errors, roots, checkName: true);
        var client = new HttpClient(handler);
        client.DefaultRequestHeaders.Authorization = TestCredentials.Bearer();
        return client;
    }

    private static async Task PostAsync(HttpClient client, string url, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentTypes.Json);
        using var response = await client.PostAsync(url, content);
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>A new client, connection and (for https) handshake, as after the agent's pool dropped its connection.</summary>
    private static async Task ColdAsync(X509Certificate2Collection roots, string url, byte[] body)
    {
        using var client = Client(roots, pooled: false);
        await PostAsync(client, url, body);
    }

    private static async Task MqttConnectAsync(int port, X509Certificate2Collection? roots)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithCredentials(TestCredentials.CloudUser, TestCredentials.CloudPassword)
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("bench-" + Guid.NewGuid().ToString("N")[..8]);
        if (roots is not null)
        {
            options.WithTlsOptions(t => t.UseTls().WithTargetHost("127.0.0.1")
                .WithCertificateValidationHandler(e => CertificateTrust.IsTrusted(e.Certificate, e.Chain, e.SslPolicyErrors, roots, checkName: true)));
        }

        await client.ConnectAsync(options.Build());
        await client.DisconnectAsync();
    }

    private static async Task TimeAsync(Func<Task> call, int count, List<double> into)
    {
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await call();
            into.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }

    private static (double P50, double P99) Stats(List<double> ms)
    {
        var sorted = ms.Order().ToArray();
        return (Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 99));
    }

    private static void Ratio(string what, (double P50, double P99) tls, (double P50, double P99) plain) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: p50 {tls.P50 / plain.P50:0.00}×, p99 {tls.P99 / plain.P99:0.00}×"));

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
