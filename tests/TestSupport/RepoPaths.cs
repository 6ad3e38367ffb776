namespace Edge.TestSupport;

/// <summary>Locates committed assets (models, held-out data) from any test's working directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string Models => Path.Combine(Root, "models");

    public static string Model(string fileName) => Path.Combine(Models, fileName);

    public static string Data(string fileName) => Path.Combine(Models, "data", fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Edge.sln not found above {AppContext.BaseDirectory}");
    }
}
