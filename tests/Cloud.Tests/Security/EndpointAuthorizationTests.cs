namespace Edge.Cloud.Tests.Security;

using System.Net;
using Edge.Cloud.Security;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Security;
using Edge.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

/// <summary>
/// Walks the cloud's own route table, so an endpoint added later without a policy fails here: every endpoint names
/// one of <see cref="EdgePolicies"/> (only the health probe is anonymous), refuses an anonymous caller with 401 and a
/// role its policy does not admit with 403, and lets the roles it admits past authorization.
/// </summary>
public sealed class EndpointAuthorizationTests : IAsyncLifetime
{
    private const string Device = "authz-dev";
    private static readonly string[] Anonymous = ["/healthz"];

    private readonly TempFolder _folder = new();
    private CloudHost? _cloud;

    private CloudHost Cloud => _cloud!;

    public async ValueTask InitializeAsync() =>
        _cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { [$"Mqtt:Devices:{Device}"] = TestCredentials.DeviceSecret(Device) });

    public async ValueTask DisposeAsync()
    {
        await Cloud.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public void Every_endpoint_names_a_policy_or_is_the_anonymous_health_probe()
    {
        var unguarded = Routes()
            .Where(r => r.Policy is null && !(r.AllowsAnonymous && Anonymous.Contains(r.Pattern)))
            .Select(r => $"{r.Method} {r.Pattern}")
            .ToArray();

        Assert.NotEmpty(Routes());
        Assert.Empty(unguarded);
        Assert.All(Routes().Where(r => r.Policy is not null), r => Assert.Contains(r.Policy!, EdgePolicies.Roles.Keys));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_on_every_guarded_endpoint()
    {
        using var anonymous = new HttpClient { BaseAddress = Cloud.Http.BaseAddress };
        foreach (var route in Routes().Where(r => r.Policy is not null))
        {
            using var response = await anonymous.SendAsync(Request(route), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route.Method} {route.Pattern} answered an anonymous caller with {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_wrong_or_revoked_token_is_401_too()
    {
        using var forged = new HttpClient { BaseAddress = Cloud.Http.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "edge_not-a-token");

        using var response = await forged.GetAsync("/v1/thresholds", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Each_role_gets_403_exactly_where_its_policy_does_not_admit_it()
    {
        foreach (var role in EdgeRoles.OperatorRoles.Append(EdgeRoles.Device))
        {
            using var client = role == EdgeRoles.Device ? DeviceClient() : TestCredentials.Client(Cloud.Http.BaseAddress!, role);
            foreach (var route in Routes().Where(r => r.Policy is not null))
            {
                using var response = await client.SendAsync(Request(route), TestContext.Current.CancellationToken);
                var admitted = EdgePolicies.Roles[route.Policy!].Contains(role);
                var status = response.StatusCode;
                Assert.True(
                    admitted ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) : status == HttpStatusCode.Forbidden,
                    $"{role} on {route.Method} {route.Pattern}: {(int)status}, expected {(admitted ? "past authorization" : "403")}");
            }
        }
    }

    private HttpClient DeviceClient()
    {
        var client = new HttpClient { BaseAddress = Cloud.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestCredentials.DeviceSecret(Device));
        client.DefaultRequestHeaders.Add("X-Edge-Device", Device);
        return client;
    }

    private IReadOnlyList<Route> Routes() =>
    [
        .. Cloud.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new Route(
                m,
                "/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/'),
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().LastOrDefault(a => a.Policy is not null)?.Policy,
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null))),
    ];

    // Route values are plain names: the request must reach authorization, not what the handler makes of it.
    private static HttpRequestMessage Request(Route route) =>
        new(new HttpMethod(route.Method), System.Text.RegularExpressions.Regex.Replace(route.Pattern, "{[^}]+}", "x1"));

    private sealed record Route(string Method, string Pattern, string? Policy, bool AllowsAnonymous);
}
