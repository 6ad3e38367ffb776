namespace Edge.Integration.Tests.Updates;

using System.Collections.Concurrent;
using System.Net.Http.Json;
using Edge.Shared.Inference;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;

/// <summary>A rollout through the real cloud, broker and agent: v1 → v2 of the camera-scale model as a signed delta.</summary>
[Collection(SerialCollection.Name)]
public sealed class OtaEndToEndTests
{
    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task A_rollout_installs_v2_as_a_delta_and_every_request_during_the_swap_is_answered(string broker)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mosquitto = broker == "mosquitto" ? await MosquittoBroker.StartAsync(ct) : null;
        await using var ota = await OtaStack.StartAsync(mosquitto, 16 * 1024, ct);
        Assert.Equal(OtaStack.V1, ota.Running.ModelVersion);

        // Requests keep flowing through the whole update; none may fail or be dropped.
        using var stop = new CancellationTokenSource();
        var answers = new ConcurrentBag<InferenceAnswer>();
        var newModelAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = w; !stop.IsCancellationRequested; i += 4)
            {
                var answer = await InferAsync(ota, HeldOut.Digits[i % HeldOut.Digits.Count], ct);
                answers.Add(answer);
                if (answer.ModelVersion == OtaStack.V2)
                {
                    newModelAnswered.TrySetResult();
                }
            }
        })));

        var rollout = await ota.RolloutAsync(OtaStack.V2, ct);
        var finished = await ota.WaitFinishedAsync(rollout.Id, TimeSpan.FromMinutes(2), ct);

        // The load runs on until the new model has answered part of it, a request failed (the await below reports it),
        // or a minute passed (the asserts below say what is missing).
        if (finished.State == RolloutState.Completed)
        {
            await Task.WhenAny(newModelAnswered.Task, load, Task.Delay(TimeSpan.FromMinutes(1), ct));
        }

        await stop.CancelAsync();
        await load;

        Assert.Equal(RolloutState.Completed, finished.State);
        var device = Assert.Single(finished.Devices!);
        Assert.Equal(UpdateState.Applied, device.State);
        Assert.Equal(OtaStack.V2, ota.Running.ModelVersion);
        Assert.Contains(answers, a => a.ModelVersion == OtaStack.V1);
        Assert.Contains(answers, a => a.ModelVersion == OtaStack.V2);
        var fresh = await InferAsync(ota, HeldOut.Digits[0], ct);
        Assert.Equal(OtaStack.V2, fresh.ModelVersion);

        var status = await ota.Stack.AgentHttp.GetStringAsync("/v1/status", ct);
        Assert.Contains(OtaStack.V2, status, StringComparison.Ordinal);
        var reported = await ota.Stack.CloudHttp.GetStringAsync($"/v1/devices/{EdgeStack.DeviceId}", ct);
        Assert.Contains($"\"modelVersion\":\"{OtaStack.V2}\"", reported, StringComparison.Ordinal);
    }

    private static async Task<InferenceAnswer> InferAsync(OtaStack ota, DigitSample sample, CancellationToken ct)
    {
        using var response = await ota.Stack.AgentHttp.PostAsJsonAsync(
            "/v1/infer", new TensorPayload { Shape = [1, 1, 8, 8], Data = sample.Pixels }, EdgeJsonContext.Default.TensorPayload, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(EdgeJsonContext.Default.InferenceAnswer, ct))!;
    }
}
