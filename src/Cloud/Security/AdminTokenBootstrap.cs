namespace Edge.Cloud.Security;

using Edge.Cloud.Storage;
using Edge.Shared.Security;
using Microsoft.Extensions.Options;

/// <summary>
/// On a start with no admin credential at all (a fresh install, or every admin token revoked), creates one and writes
/// it to <see cref="CloudAuthOptions.AdminTokenFile"/>, readable by this user only, and logs where: the only way in
/// then is through the cloud's own file system.
/// </summary>
internal sealed partial class AdminTokenBootstrap(
    ApiTokenStore store,
    SqliteDatabase database,
    IOptions<CloudAuthOptions> options,
    IHostEnvironment environment,
    ILogger<AdminTokenBootstrap> logger) : IHostedService
{
    public const string DefaultFileName = "admin-token";

    public string Path => ResolvePath(options.Value, database, environment.ContentRootPath);

    public static string ResolvePath(CloudAuthOptions options, SqliteDatabase database, string contentRoot) =>
        options.AdminTokenFile is { Length: > 0 } configured
            ? System.IO.Path.GetFullPath(configured, contentRoot)
            : System.IO.Path.Combine(
                database.IsFile ? System.IO.Path.GetDirectoryName(database.DataSource)! : contentRoot, DefaultFileName);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Tokens.Values.Any(t => t.Role == EdgeRoles.Admin)
            || (await store.ListLiveAsync(EdgeRoles.Admin, cancellationToken)).Count > 0)
        {
            return;
        }

        var created = await store.CreateAsync("admin", EdgeRoles.Admin, "first start", deviceId: null, cancellationToken);
        var path = Path;
        try
        {
            OwnerOnlyFile.Write(path, created.Token + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without the file nobody could use the token: withdraw it so the next start tries again.
            await store.RevokeAsync(created.Info.Id, CancellationToken.None);
            throw new InvalidOperationException($"cannot write the first admin token to {path}: {ex.Message} (set Auth:AdminTokenFile)", ex);
        }

        LogCreated(logger, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9611, Level = LogLevel.Warning,
        Message = "Created the first admin token and wrote it to {Path} (readable by this user only); use it to create the operators' own tokens (edge tokens create), then delete the file")]
    private static partial void LogCreated(ILogger logger, string path);
}
