namespace Edge.Cloud.Storage;

/// <summary>Section <c>Storage</c>; env var <c>Storage__ConnectionString</c>.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// Microsoft.Data.Sqlite connection string. Empty means <c>Data Source={content root}/data/edge-cloud.db</c>
    /// (resolved at startup, because the content root is only known then).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a writer waits for another writer's lock before failing (SQLite <c>busy_timeout</c>).</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 600_000)]
    public int BusyTimeoutMs { get; set; } = 5_000;
}
