namespace Edge.TestSupport.Fleet;

/// <summary>
/// Simulated devices as real MQTT clients (<see cref="FakeDevice"/>): each applies the thresholds it receives on its
/// group's desired topic and publishes telemetry windows on a simulated timeline, its requests drawn from a
/// <see cref="ScoreDistribution"/>. Needs only a broker: tests and benches pair it with a real cloud.
/// </summary>
public sealed class FleetSimulator : IAsyncDisposable
{
    private readonly List<FakeDevice> _devices = [];

    private FleetSimulator(DateTimeOffset start) => Now = start;

    public DateTimeOffset Now { get; private set; }

    public IReadOnlyList<FakeDevice> Devices => _devices;

    /// <summary>Connects every device (at most <paramref name="parallel"/> connections at a time) and subscribes it.</summary>
    public static async Task<FleetSimulator> StartAsync(
        int port,
        IReadOnlyList<(string Group, int Devices, double RatePerDevice)> groups,
        CancellationToken ct,
        ScoreDistribution? distribution = null,
        int parallel = 32)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var fleet = new FleetSimulator(DateTimeOffset.UtcNow);
        var plan = new List<(string Id, string Group, double Rate, int Cursor)>();
        foreach (var (group, count, rate) in groups)
        {
            for (var i = 0; i < count; i++)
            {
                plan.Add(($"{group}-dev{i}", group, rate, plan.Count * 97));
            }
        }

        var devices = new FakeDevice[plan.Count];
        try
        {
            await Parallel.ForAsync(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
            {
                var (id, group, rate, cursor) = plan[i];
                devices[i] = await FakeDevice.ConnectAsync(port, id, group, rate, cursor, distribution ?? ScoreDistribution.Synthetic, token);
            });
        }
        catch
        {
            foreach (var device in devices.Where(d => d is not null))
            {
                await device.DisposeAsync();
            }

            throw;
        }

        fleet._devices.AddRange(devices);
        return fleet;
    }

    /// <summary>Every device publishes one window of <paramref name="seconds"/> ending at the new <see cref="Now"/>.</summary>
    public async Task<WindowTotals> PublishWindowAsync(double seconds, CancellationToken ct)
    {
        var start = Now;
        Now = start.AddSeconds(seconds);
        var totals = default(WindowTotals);
        foreach (var device in _devices)
        {
            totals += await device.PublishAsync(start, Now, ct);
        }

        return totals with { Seconds = seconds };
    }

    public void ScaleRate(double factor)
    {
        foreach (var device in _devices)
        {
            device.Rate *= factor;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }
    }
}

/// <summary>What a window's requests did: how many, how many went to the cloud, how many got a correct answer.</summary>
public readonly record struct WindowTotals(long Requests, long Cloud, long Correct, double Seconds)
{
    public double CloudRate => Seconds > 0 ? Cloud / Seconds : 0;

    public double Accuracy => Requests > 0 ? (double)Correct / Requests : double.NaN;

    public static WindowTotals operator +(WindowTotals a, WindowTotals b) =>
        new(a.Requests + b.Requests, a.Cloud + b.Cloud, a.Correct + b.Correct, Math.Max(a.Seconds, b.Seconds));
}
