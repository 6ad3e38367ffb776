namespace Edge.Cloud.Security;

using System.Collections.Concurrent;
using System.Globalization;
using Edge.Cloud.Storage;
using Edge.Shared.Security;
using Microsoft.Data.Sqlite;

/// <summary>
/// Operator tokens and device secrets in <c>api_tokens</c>, by the SHA-256 of the secret. Lookups are cached for a
/// few seconds so the fallback path does not touch the database per request; a revocation clears this process's
/// cache at once and reaches other replicas within <see cref="CacheFor"/>.
/// </summary>
internal sealed class ApiTokenStore(SqliteDatabase database, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (ApiTokenInfo? Token, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    // Bumped by every revocation: a lookup that started before one must not put what it read back into the cache.
    private long _revocations;

    public async Task<CreatedApiToken> CreateAsync(string name, string role, string createdBy, string? deviceId, CancellationToken cancellationToken)
    {
        var secret = TokenSecret.New();
        var info = new ApiTokenInfo
        {
            Id = TokenSecret.NewId(),
            Name = name,
            Role = role,
            DeviceId = deviceId,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO api_tokens (id, name, role, hash, device_id, created_at, created_by)
            VALUES ($id, $name, $role, $hash, $device, $at, $by);
            """;
        command.Parameters.AddWithValue("$id", info.Id);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$role", role);
        command.Parameters.AddWithValue("$hash", TokenSecret.Hash(secret));
        command.Parameters.AddWithValue("$device", (object?)deviceId ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", Text(info.CreatedAt));
        command.Parameters.AddWithValue("$by", createdBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new CreatedApiToken { Info = info, Token = secret };
    }

    /// <summary>The live token whose secret is <paramref name="secret"/>, or null (unknown or revoked).</summary>
    public Task<ApiTokenInfo?> FindAsync(string secret, CancellationToken cancellationToken) =>
        FindByHashAsync(TokenSecret.Hash(secret), cancellationToken);

    /// <summary>As <see cref="FindAsync"/>, for a caller that already has the secret's <see cref="TokenSecret.Hash"/>.</summary>
    public async Task<ApiTokenInfo?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Token;
        }

        var generation = Interlocked.Read(ref _revocations);
        var found = await QueryAsync("WHERE hash = $p AND revoked_at IS NULL", hash, cancellationToken);
        var token = found.Count > 0 ? found[0] : null;

        // Unknown secrets are cached too (bounded), so a client retrying a bad token costs no query per attempt.
        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }

        _cache[hash] = (token, now + CacheFor);
        if (Interlocked.Read(ref _revocations) != generation)
        {
            _cache.TryRemove(hash, out _);
        }

        return token;
    }

    public Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync("WHERE $p IS NULL ORDER BY created_at, id", null, cancellationToken);

    public Task<IReadOnlyList<ApiTokenInfo>> ListLiveAsync(string role, CancellationToken cancellationToken) =>
        QueryAsync("WHERE role = $p AND revoked_at IS NULL", role, cancellationToken);

    /// <summary>False when no live token has that id.</summary>
    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) =>
        RevokeWhereAsync("id = $p", id, cancellationToken);

    /// <summary>Revokes every live secret of a device; false when it had none.</summary>
    public Task<bool> RevokeDeviceAsync(string deviceId, CancellationToken cancellationToken) =>
        RevokeWhereAsync("device_id = $p", deviceId, cancellationToken);

    private async Task<bool> RevokeWhereAsync(string where, string value, CancellationToken cancellationToken)
    {
        int changed;
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"UPDATE api_tokens SET revoked_at = $at WHERE {where} AND revoked_at IS NULL;";
            command.Parameters.AddWithValue("$p", value);
            command.Parameters.AddWithValue("$at", Text(time.GetUtcNow()));
            changed = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        Interlocked.Increment(ref _revocations);
        _cache.Clear();
        return changed > 0;
    }

    private async Task<IReadOnlyList<ApiTokenInfo>> QueryAsync(string where, string? parameter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, name, role, device_id, created_at, created_by, revoked_at FROM api_tokens {where};";
        command.Parameters.AddWithValue("$p", (object?)parameter ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<ApiTokenInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(Read(reader));
        }

        return tokens;
    }

    private static ApiTokenInfo Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Role = reader.GetString(2),
        DeviceId = reader.IsDBNull(3) ? null : reader.GetString(3),
        CreatedAt = DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
        CreatedBy = reader.GetString(5),
        RevokedAt = reader.IsDBNull(6) ? null : DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture),
    };

    private static string Text(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
