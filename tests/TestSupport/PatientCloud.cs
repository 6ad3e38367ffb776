namespace Edge.TestSupport;

/// <summary>
/// Agent settings for the test hosts: a cloud attempt timeout and deadline far longer than a loaded 2-core runner can
/// stall a cloud call (JIT, a cold ONNX session, a busy thread pool), so a test that needs the cloud's answer, or its
/// error, or its 429, gets that answer and never a LocalDegraded "cloud-deadline" (or a retry, or a breaker opened by
/// timeouts) because the machine was slow. The product defaults (1 s, 400 ms) are for devices; tests of the deadline
/// itself set their own short one, which wins.
/// </summary>
public static class PatientCloud
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cloud:AttemptTimeout"] = "00:00:10",
        ["Cloud:Deadline"] = "00:00:20",
    };
}
