namespace Edge.Cloud.Tests.Admission;

using System.Net;
using System.Text;
using Edge.Cloud.Admission;
using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Microsoft.Extensions.Options;
using Xunit;

public sealed class AdmissionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_full_gate_answers_429_with_retry_after_at_once_and_serves_again_when_freed()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Admission:MaxConcurrency"] = "2",
            ["Admission:MaxQueue"] = "1",
            ["Admission:RetryAfterSeconds"] = "3",
        });
        var gate = cloud.Service<AdmissionGate>();
        var body = Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[0]));
        var first = gate.TryEnter();
        var second = gate.TryEnter();
        var queued = gate.EnterAsync(deadline.Token);

        var refused = await cloud.Http.PostBytesAsync("/v1/infer", body, "application/json", deadline.Token);
        first.Dispose();
        (await queued).Dispose();
        second.Dispose();
        var served = await cloud.Http.PostBytesAsync("/v1/infer", body, "application/json", deadline.Token);
        var metrics = await cloud.Http.GetStringAsync("/metrics", deadline.Token);

        Assert.True(first.Admitted && second.Admitted);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("retry after 3 s", await refused.ProblemDetailAsync(deadline.Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("edge_cloud_infer_rejected_total 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_beyond_the_running_limit_waits_in_the_queue_instead_of_being_refused()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Admission:MaxConcurrency"] = "1",
            ["Admission:MaxQueue"] = "4",
        });
        var gate = cloud.Service<AdmissionGate>();
        var held = gate.TryEnter();

        var pending = cloud.Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[0])), "application/json", deadline.Token);
        while (gate.Queued == 0)
        {
            // No event marks "queued"; poll the gauge until the deadline.
            await Task.Delay(10, deadline.Token);
        }

        held.Dispose();
        var response = await pending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_gate_admits_up_to_concurrency_plus_queue_and_refuses_the_rest()
    {
        using var gate = new AdmissionGate(Options.Create(new AdmissionOptions { MaxConcurrency = 1, MaxQueue = 1 }));
        var ct = TestContext.Current.CancellationToken;

        var running = await gate.EnterAsync(ct);
        var waiting = gate.EnterAsync(ct);
        var refused = await gate.EnterAsync(ct);
        var tryRefused = gate.TryEnter();

        Assert.True(running.Admitted);
        Assert.False(waiting.IsCompleted);
        Assert.False(refused.Admitted);
        Assert.False(tryRefused.Admitted);
        Assert.Equal(1, gate.Queued);

        running.Dispose();
        var admitted = await waiting;
        Assert.True(admitted.Admitted);
        Assert.Equal(0, gate.Queued);
        admitted.Dispose();
        Assert.Equal(0, gate.Running);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_frees_its_queue_place()
    {
        using var gate = new AdmissionGate(Options.Create(new AdmissionOptions { MaxConcurrency = 1, MaxQueue = 1 }));
        using var giveUp = new CancellationTokenSource();
        var running = gate.TryEnter();
        var waiting = gate.EnterAsync(giveUp.Token).AsTask();

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var next = gate.EnterAsync(TestContext.Current.CancellationToken);

        Assert.False(next.IsCompleted);
        running.Dispose();
        using var lease = await next;
        Assert.True(lease.Admitted);
    }
}
