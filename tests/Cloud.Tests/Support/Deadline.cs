namespace Edge.Cloud.Tests.Support;

using Xunit;

/// <summary>A token that fires when the test is cancelled or the deadline passes: waits on events, never sleeps.</summary>
internal static class Deadline
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    public static CancellationTokenSource Within(TimeSpan? limit = null)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(limit ?? Default);
        return source;
    }
}
