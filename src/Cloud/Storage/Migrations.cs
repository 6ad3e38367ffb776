namespace Edge.Cloud.Storage;

/// <summary>
/// The schema, one entry per version. Append only: a deployed database has run every entry up to its
/// <c>schema_version</c>, so editing an old entry would never reach it.
/// </summary>
internal static class Migrations
{
    public static readonly string[] All =
    [
        // 1: thresholds per scope, the global version sequence, the audit log, reported device state.
        """
        CREATE TABLE scope_settings (
            scope             TEXT    NOT NULL CHECK (scope IN ('fleet', 'group', 'device')),
            target            TEXT    NOT NULL,
            version           INTEGER NOT NULL,
            threshold         REAL,
            audit_sample_rate REAL,
            score_function    TEXT,
            updated_at        TEXT    NOT NULL,
            updated_by        TEXT    NOT NULL,
            PRIMARY KEY (scope, target)
        ) WITHOUT ROWID;

        CREATE TABLE config_version (
            id    INTEGER PRIMARY KEY CHECK (id = 1),
            value INTEGER NOT NULL
        );
        INSERT INTO config_version (id, value) VALUES (1, 0);

        CREATE TABLE config_audit (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            at        TEXT    NOT NULL,
            by        TEXT    NOT NULL,
            scope     TEXT    NOT NULL,
            target    TEXT    NOT NULL,
            version   INTEGER NOT NULL,
            from_json TEXT,
            to_json   TEXT,
            reason    TEXT    NOT NULL
        );

        CREATE TABLE device_reported (
            device_id   TEXT NOT NULL PRIMARY KEY,
            group_name  TEXT,
            json        TEXT NOT NULL,
            received_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // 2: hard examples uploaded by devices, keyed by the id each device generated (exactly once), with the cloud's label.
        """
        CREATE TABLE hard_examples (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            id           TEXT    NOT NULL UNIQUE,
            device_id    TEXT    NOT NULL,
            created_at   TEXT    NOT NULL,
            received_at  TEXT    NOT NULL,
            content_type TEXT    NOT NULL,
            payload      BLOB    NOT NULL,
            edge_label   TEXT    NOT NULL,
            edge_score   REAL    NOT NULL,
            reason       TEXT    NOT NULL,
            cloud_label  TEXT,
            cloud_score  REAL,
            cloud_model  TEXT,
            label_error  TEXT
        );
        CREATE INDEX hard_examples_device ON hard_examples (device_id, seq);
        """,

        // 3: the model registry: one row per published version (files under Models:StorePath), never overwritten.
        """
        CREATE TABLE models (
            name              TEXT    NOT NULL,
            version           TEXT    NOT NULL,
            quantization      TEXT    NOT NULL,
            sha256            TEXT    NOT NULL,
            size_bytes        INTEGER NOT NULL,
            source_size_bytes INTEGER NOT NULL,
            fp32_accuracy     REAL,
            int8_accuracy     REAL,
            int8_agreement    REAL,
            published_at      TEXT    NOT NULL,
            manifest_json     TEXT    NOT NULL,
            PRIMARY KEY (name, version)
        ) WITHOUT ROWID;
        """,

        // 4: OTA rollouts of a model version to a scope, and each targeted device's progress (last reported state).
        """
        CREATE TABLE rollouts (
            id                    TEXT    NOT NULL PRIMARY KEY,
            model                 TEXT    NOT NULL,
            version               TEXT    NOT NULL,
            scope                 TEXT    NOT NULL CHECK (scope IN ('fleet', 'group', 'device')),
            target                TEXT    NOT NULL,
            canary_percent        REAL    NOT NULL,
            max_failure_share     REAL    NOT NULL,
            state                 TEXT    NOT NULL CHECK (state IN ('Canary', 'Expanding', 'Completed', 'Halted', 'Aborted')),
            expanded              INTEGER NOT NULL DEFAULT 0,
            failures_acknowledged INTEGER NOT NULL DEFAULT 0,
            created_at            TEXT    NOT NULL,
            updated_at            TEXT    NOT NULL,
            reason                TEXT
        ) WITHOUT ROWID;
        CREATE INDEX rollouts_model_state ON rollouts (model, state);

        CREATE TABLE rollout_devices (
            rollout_id      TEXT    NOT NULL REFERENCES rollouts (id),
            device_id       TEXT    NOT NULL,
            phase           TEXT    NOT NULL CHECK (phase IN ('Canary', 'Main')),
            state           TEXT,
            failure         TEXT,
            detail          TEXT,
            blocks_received INTEGER NOT NULL DEFAULT 0,
            blocks_total    INTEGER NOT NULL DEFAULT 0,
            published_at    TEXT,
            updated_at      TEXT    NOT NULL,
            PRIMARY KEY (rollout_id, device_id)
        ) WITHOUT ROWID;
        CREATE INDEX rollout_devices_device ON rollout_devices (device_id);
        """,

        // 5: threshold bounds per scope, the kind of each audit entry (setting or bounds), telemetry windows (once per id),
        //    the load controller's settings and per-group switches.
        """
        CREATE TABLE threshold_bounds (
            scope      TEXT NOT NULL CHECK (scope IN ('fleet', 'group', 'device')),
            target     TEXT NOT NULL,
            min        REAL NOT NULL,
            max        REAL NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (scope, target)
        ) WITHOUT ROWID;

        ALTER TABLE config_audit ADD COLUMN kind TEXT NOT NULL DEFAULT 'setting';

        CREATE TABLE telemetry_windows (
            id          TEXT    NOT NULL PRIMARY KEY,
            device_id   TEXT    NOT NULL,
            group_name  TEXT,
            start_at    TEXT    NOT NULL,
            end_at      TEXT    NOT NULL,
            received_at TEXT    NOT NULL,
            json        TEXT    NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX telemetry_windows_group ON telemetry_windows (group_name, end_at);

        CREATE TABLE controller_state (
            key   TEXT NOT NULL PRIMARY KEY,
            json  TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // 6: a rollout's resume acknowledges the failures of particular devices (not a count, which a recovery would skew);
        // rollouts.failures_acknowledged from migration 4 is no longer read or written.
        """
        ALTER TABLE rollout_devices ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0;
        """,

        // 7: credentials. Operator API tokens and device secrets are stored only as the SHA-256 of a 256-bit random value;
        // a device token carries its device id. Enrolment records the group a device belongs to, which its own messages
        // cannot change.
        """
        CREATE TABLE api_tokens (
            id         TEXT NOT NULL PRIMARY KEY,
            name       TEXT NOT NULL,
            role       TEXT NOT NULL,
            hash       TEXT NOT NULL UNIQUE,
            device_id  TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            revoked_at TEXT
        ) WITHOUT ROWID;
        CREATE INDEX api_tokens_device ON api_tokens (device_id);

        CREATE TABLE device_enrollments (
            device_id   TEXT NOT NULL PRIMARY KEY,
            group_name  TEXT NOT NULL,
            enrolled_at TEXT NOT NULL,
            enrolled_by TEXT NOT NULL,
            revoked_at  TEXT
        ) WITHOUT ROWID;
        """,

        // 8: the epoch of the config version sequence, random per database (devices compare versions only within one);
        //    POST /v1/thresholds/epoch replaces it. A rollout may ship a lower version than devices run (a signed rollback).
        """
        ALTER TABLE config_version ADD COLUMN epoch TEXT;
        UPDATE config_version SET epoch = lower(hex(randomblob(16))) WHERE id = 1;

        ALTER TABLE rollouts ADD COLUMN allow_rollback INTEGER NOT NULL DEFAULT 0;
        """,

        // 9: the reference set per model name: labelled held-out data only an admin sets, on which every publish of that
        //    name must reach the floor (top-1, 0..1). The raw bytes are kept as sent and parsed again at each publish.
        """
        CREATE TABLE model_references (
            name   TEXT NOT NULL PRIMARY KEY,
            data   BLOB NOT NULL,
            form   TEXT NOT NULL,
            count  INTEGER NOT NULL,
            floor  REAL NOT NULL CHECK (floor >= 0 AND floor <= 1),
            set_at TEXT NOT NULL,
            set_by TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
    ];
}
