-- Gatehouse schema, version 1.
-- Portable between SQLite and PostgreSQL: TEXT, INTEGER (BIGINT on PostgreSQL), REAL (DOUBLE PRECISION).
-- Conventions:
--   * timestamps: INTEGER microseconds since the Unix epoch, UTC (columns end in _us);
--     they sort correctly and keyset pagination compares them as plain integers.
--   * money: INTEGER pico-dollars (1e-12 USD; columns end in _pusd); exact, and SUM stays exact.
--   * booleans: INTEGER 0/1.
--   * ids: TEXT (Guids in lower-case "D" format).
--   * lists and maps: JSON text.

CREATE TABLE request_records (
    id                   TEXT    NOT NULL PRIMARY KEY,
    timestamp_us         BIGINT  NOT NULL,
    key_id               TEXT    NULL,
    endpoint             TEXT    NOT NULL,
    requested_model      TEXT    NULL,
    deployment           TEXT    NULL,
    provider             TEXT    NULL,
    status_code          INTEGER NOT NULL,
    error_class          TEXT    NULL,
    error_message        TEXT    NULL,
    input_tokens         INTEGER NOT NULL DEFAULT 0,
    output_tokens        INTEGER NOT NULL DEFAULT 0,
    cached_input_tokens  INTEGER NOT NULL DEFAULT 0,
    cache_write_input_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens     INTEGER NOT NULL DEFAULT 0,
    usage_estimated      INTEGER NOT NULL DEFAULT 0 CHECK (usage_estimated IN (0, 1)),
    cost_pusd            BIGINT  NOT NULL DEFAULT 0,
    latency_ms           DOUBLE PRECISION NOT NULL,
    time_to_first_token_ms DOUBLE PRECISION NULL,
    streamed             INTEGER NOT NULL DEFAULT 0 CHECK (streamed IN (0, 1)),
    failed_attempts      TEXT    NULL
);

-- Every index costs each insert on the hot machine (measured: ~10 us CPU per row per index on SQLite).
-- Listing is newest-first by time, and "my key's calls" is the common filter; model and status
-- filters walk the time index, which is fine at SQLite's scale.
CREATE INDEX ix_request_records_timestamp ON request_records (timestamp_us, id);
CREATE INDEX ix_request_records_key ON request_records (key_id, timestamp_us, id);

CREATE TABLE virtual_keys (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    owner           TEXT    NULL,
    key_hash        TEXT    NOT NULL,
    prefix          TEXT    NOT NULL,
    allowed_models  TEXT    NULL,
    expires_at_us   BIGINT  NULL,
    metadata        TEXT    NOT NULL DEFAULT '{}',
    created_at_us   BIGINT  NOT NULL,
    revoked_at_us   BIGINT  NULL,
    requests_per_minute INTEGER NULL,
    tokens_per_minute INTEGER NULL
);

CREATE UNIQUE INDEX ux_virtual_keys_key_hash ON virtual_keys (key_hash);
CREATE INDEX ix_virtual_keys_created ON virtual_keys (created_at_us, id);

CREATE TABLE settings (
    name   TEXT NOT NULL PRIMARY KEY,
    value  TEXT NOT NULL
);
