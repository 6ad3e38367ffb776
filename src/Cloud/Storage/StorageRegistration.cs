namespace Edge.Cloud.Storage;

internal static class StorageRegistration
{
    /// <summary>Call first: the migrator must run before any hosted service that reads the database.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SqliteDatabase>();
        builder.Services.AddHostedService<SchemaMigrator>();
        return builder;
    }
}
