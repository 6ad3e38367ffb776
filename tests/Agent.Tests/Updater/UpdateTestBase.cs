namespace Edge.Agent.Tests.Updater;

using Edge.Updates;

/// <summary>What every update test owns: its own device id (so retained topics never collide), state folder and signing key.</summary>
public abstract class UpdateTestBase : IDisposable
{
    protected string Device { get; } = "dev-" + Guid.NewGuid().ToString("N")[..8];

    protected DirectoryInfo State { get; } = Directory.CreateTempSubdirectory("edge-ota-");

    protected SigningKey Key { get; } = SigningKey.Generate();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Key.Dispose();
            State.Delete(recursive: true);
        }
    }
}
