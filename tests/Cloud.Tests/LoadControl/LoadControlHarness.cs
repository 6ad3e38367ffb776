namespace Edge.Cloud.Tests.LoadControl;

using Edge.Cloud.LoadControl;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.TestSupport;
using Edge.TestSupport.Fleet;

/// <summary>A cloud whose controller runs only when told, plus a simulated fleet; one period = windows, wait, run.</summary>
internal sealed class LoadControlHarness : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private LoadControlHarness(TempFolder folder, CloudHost cloud, FleetSimulator fleet)
    {
        _folder = folder;
        Cloud = cloud;
        Fleet = fleet;
    }

    public CloudHost Cloud { get; }

    public FleetSimulator Fleet { get; }

    public LoadController Controller => Cloud.Service<LoadController>();

    public static async Task<LoadControlHarness> StartAsync(IReadOnlyList<(string Group, int Devices, double RatePerDevice)> groups, CancellationToken ct)
    {
        var folder = new TempFolder();
        var cloud = await CloudHost.StartAsync(folder.Path, new Dictionary<string, string?> { ["LoadController:RunInBackground"] = "false" });
        var fleet = await FleetSimulator.StartAsync(cloud.MqttPort, groups, ct);
        return new LoadControlHarness(folder, cloud, fleet);
    }

    /// <summary>Publishes <paramref name="windows"/> windows of 10 s from every device and waits until the cloud stored them all; returns the true cloud rate of the last.</summary>
    public async Task<double> PublishAsync(int windows, CancellationToken ct)
    {
        var aggregator = Cloud.Service<TelemetryAggregator>();
        var expected = aggregator.Count + (windows * Fleet.Devices.Count);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAdded(Edge.Shared.Telemetry.TelemetryWindow w)
        {
            if (aggregator.Count >= expected)
            {
                done.TrySetResult();
            }
        }

        aggregator.Added += OnAdded;
        try
        {
            var rate = 0.0;
            for (var i = 0; i < windows; i++)
            {
                rate = (await Fleet.PublishWindowAsync(10, ct)).CloudRate;
            }

            if (aggregator.Count < expected)
            {
                await done.Task.WaitAsync(ct);
            }

            return rate;
        }
        finally
        {
            aggregator.Added -= OnAdded;
        }
    }

    /// <summary>Runs the controller once and waits until every device runs its group's stored threshold.</summary>
    public async Task<int> RunControllerAsync(CancellationToken ct)
    {
        var moves = await Controller.RunOnceAsync(ct);
        var thresholds = Cloud.Service<Edge.Cloud.Thresholds.ThresholdRepository>();
        foreach (var device in Fleet.Devices)
        {
            if ((await thresholds.GetAsync(ConfigScope.Group, device.Group, ct))?.Threshold is { } t)
            {
                await device.WaitForThresholdAsync(x => Math.Abs(x - t) < 1e-9, ct);
            }
        }

        return moves;
    }

    public async ValueTask DisposeAsync()
    {
        await Fleet.DisposeAsync();
        await Cloud.DisposeAsync();
        _folder.Dispose();
    }
}
