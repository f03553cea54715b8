-- Gatehouse PostgreSQL schema, version 1: the final state of SQLite's migrations 0001..0008 in one file.
-- The SQLite history is not replayed here: each dialect has its own numbering (see MigrationCatalog).
-- Conventions, kept the same as SQLite's so the stores share their SQL and row types:
--   * timestamps: BIGINT microseconds since the Unix epoch, UTC (columns end in _us); keyset
--     pagination and the daily partitions of request_records compare them as plain integers.
--   * money: BIGINT pico-dollars (1e-12 USD; columns end in _pusd); exact, and SUM stays exact.
--   * booleans: INTEGER 0/1 with a CHECK, as on SQLite, so the shared SQL (= 1, SUM(streamed)) and
--     the shared row types read them the same way on both back ends.
--   * ids and other text the stores sort or page by: TEXT COLLATE "C", so ORDER BY and the cursor's
--     "id < @CursorId" follow byte order exactly as SQLite's BINARY collation does (a locale
--     collation would order '-' and letters differently and break cursors between pages).
--   * lists and maps: JSON text (TEXT, not jsonb: the stores read them back verbatim).

-- Request history, partitioned by day on timestamp_us. Daily partitions are created ahead by the
-- partition maintenance service (PostgreSqlRecordPartitions) and dropped whole for retention, which
-- is far cheaper than DELETE. Rows outside every daily partition (old replays, clock skew, tests)
-- land in the DEFAULT partition. A partitioned table's primary key must contain the partition
-- column, so the key is (id, timestamp_us): a journal replay re-inserts the same id with the same
-- timestamp and ON CONFLICT (id, timestamp_us) DO NOTHING skips it.
CREATE TABLE request_records (
    id                       TEXT COLLATE "C" NOT NULL,
    timestamp_us             BIGINT  NOT NULL,
    key_id                   TEXT COLLATE "C" NULL,
    endpoint                 TEXT    NOT NULL,
    requested_model          TEXT    NULL,
    deployment               TEXT    NULL,
    provider                 TEXT    NULL,
    status_code              INTEGER NOT NULL,
    error_class              TEXT    NULL,
    error_message            TEXT    NULL,
    input_tokens             INTEGER NOT NULL DEFAULT 0,
    output_tokens            INTEGER NOT NULL DEFAULT 0,
    cached_input_tokens      INTEGER NOT NULL DEFAULT 0,
    cache_write_input_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens         INTEGER NOT NULL DEFAULT 0,
    usage_estimated          INTEGER NOT NULL DEFAULT 0 CHECK (usage_estimated IN (0, 1)),
    cost_pusd                BIGINT  NOT NULL DEFAULT 0,
    latency_ms               DOUBLE PRECISION NOT NULL,
    time_to_first_token_ms   DOUBLE PRECISION NULL,
    streamed                 INTEGER NOT NULL DEFAULT 0 CHECK (streamed IN (0, 1)),
    failed_attempts          TEXT    NULL,
    cache_status             TEXT    NULL,
    tools_offered            INTEGER NULL,
    tools_sent               INTEGER NULL,
    tool_tokens_offered      INTEGER NULL,
    tool_tokens_sent         INTEGER NULL,
    tool_search_rounds       INTEGER NULL,
    PRIMARY KEY (id, timestamp_us)
) PARTITION BY RANGE (timestamp_us);

CREATE TABLE request_records_default PARTITION OF request_records DEFAULT;

-- Partitioned indexes: each partition gets its own. Listing is newest first by time (plus the
-- partition pruning of a From/To window); "my key's calls" and budget reconciliation filter by key;
-- analytics group one window by model, which the time index and pruning serve.
CREATE INDEX ix_request_records_timestamp ON request_records (timestamp_us, id);
CREATE INDEX ix_request_records_key ON request_records (key_id, timestamp_us, id);
CREATE INDEX ix_request_records_model ON request_records (requested_model, timestamp_us);

CREATE TABLE virtual_keys (
    id                  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name                TEXT    NOT NULL,
    owner               TEXT COLLATE "C" NULL,
    key_hash            TEXT COLLATE "C" NOT NULL,
    prefix              TEXT    NOT NULL,
    allowed_models      TEXT    NULL,
    expires_at_us       BIGINT  NULL,
    metadata            TEXT    NOT NULL DEFAULT '{}',
    created_at_us       BIGINT  NOT NULL,
    revoked_at_us       BIGINT  NULL,
    requests_per_minute INTEGER NULL,
    tokens_per_minute   INTEGER NULL,
    routing_strategy    TEXT    NULL,
    routing_fallback    INTEGER NULL CHECK (routing_fallback IN (0, 1)),
    routing_max_retries INTEGER NULL CHECK (routing_max_retries >= 0),
    tool_prefilter      INTEGER NULL CHECK (tool_prefilter IN (0, 1)),
    cache_enabled       INTEGER NULL CHECK (cache_enabled IN (0, 1)),
    cache_ttl_seconds   INTEGER NULL CHECK (cache_ttl_seconds >= 1),
    cache_namespace     TEXT    NULL
);

CREATE UNIQUE INDEX ux_virtual_keys_key_hash ON virtual_keys (key_hash);
CREATE INDEX ix_virtual_keys_created ON virtual_keys (created_at_us, id);
-- Owner budgets reconcile from "the calls of every key of this owner".
CREATE INDEX ix_virtual_keys_owner ON virtual_keys (owner);

CREATE TABLE settings (
    name   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE budgets (
    id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name              TEXT    NULL,
    scope             TEXT COLLATE "C" NOT NULL CHECK (scope IN ('key', 'owner')),
    subject           TEXT COLLATE "C" NOT NULL,
    period            TEXT COLLATE "C" NOT NULL CHECK (period IN ('day', 'month', 'total')),
    limit_pusd        BIGINT  NOT NULL CHECK (limit_pusd > 0),
    alert_thresholds  TEXT    NOT NULL DEFAULT '[]',
    created_at_us     BIGINT  NOT NULL,
    updated_at_us     BIGINT  NOT NULL
);

-- One budget per key or owner and period: a second would only hide which one applies.
CREATE UNIQUE INDEX ux_budgets_subject ON budgets (scope, subject, period);

-- One row per budget and period: the settled spend and the alert thresholds already fired in it.
CREATE TABLE budget_spend (
    budget_id         TEXT COLLATE "C" NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
    period_start_us   BIGINT  NOT NULL,
    spent_pusd        BIGINT  NOT NULL DEFAULT 0,
    alerts_fired      TEXT    NOT NULL DEFAULT '[]',
    updated_at_us     BIGINT  NOT NULL,
    PRIMARY KEY (budget_id, period_start_us)
);

CREATE TABLE prompts (
    id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    -- Unique across owners, so a slug names one prompt for the admin too.
    slug              TEXT COLLATE "C" NOT NULL UNIQUE,
    description       TEXT    NULL,
    -- The owner whose keys see the prompt; NULL = only the admin and the key that created it (created_by_key).
    owner             TEXT COLLATE "C" NULL,
    created_by_key    TEXT COLLATE "C" NOT NULL,
    -- Where the prompt came from: 'api', 'file' (Gatehouse:Prompts:Directory) or 'demo' (seeded).
    source            TEXT    NOT NULL CHECK (source IN ('api', 'file', 'demo')),
    archived_at_us    BIGINT  NULL,
    created_at_us     BIGINT  NOT NULL,
    updated_at_us     BIGINT  NOT NULL
);

CREATE INDEX ix_prompts_owner ON prompts (owner, slug);

CREATE TABLE prompt_tags (
    prompt_id         TEXT COLLATE "C" NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    tag               TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (prompt_id, tag)
);

CREATE INDEX ix_prompt_tags_tag ON prompt_tags (tag, prompt_id);

-- A version is written once and never updated: content is the whole definition as JSON,
-- content_hash its SHA-256, which is how file loading recognises content it has stored before.
CREATE TABLE prompt_versions (
    prompt_id         TEXT COLLATE "C" NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    version           INTEGER NOT NULL CHECK (version >= 1),
    content           TEXT    NOT NULL,
    content_hash      TEXT COLLATE "C" NOT NULL,
    note              TEXT    NULL,
    created_by_key    TEXT COLLATE "C" NOT NULL,
    created_at_us     BIGINT  NOT NULL,
    PRIMARY KEY (prompt_id, version)
);

-- Labels (production, staging, any name) point at one version each and move.
CREATE TABLE prompt_labels (
    prompt_id         TEXT COLLATE "C" NOT NULL,
    label             TEXT COLLATE "C" NOT NULL,
    version           INTEGER NOT NULL,
    updated_at_us     BIGINT  NOT NULL,
    PRIMARY KEY (prompt_id, label),
    FOREIGN KEY (prompt_id, version) REFERENCES prompt_versions (prompt_id, version) ON DELETE CASCADE
);

-- Prompt executions, one row per execution, written once when it ends (see SQLite 0007 for the columns).
CREATE TABLE executions (
    id                  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    created_at_us       BIGINT  NOT NULL,
    completed_at_us     BIGINT  NOT NULL,
    prompt_id           TEXT COLLATE "C" NULL,
    prompt_slug         TEXT COLLATE "C" NULL,
    prompt_version_id   TEXT COLLATE "C" NULL,
    label               TEXT COLLATE "C" NULL,
    key_id              TEXT COLLATE "C" NOT NULL,
    owner               TEXT COLLATE "C" NULL,
    status              TEXT COLLATE "C" NOT NULL CHECK (status IN ('completed', 'failed', 'validation_failed')),
    error_class         TEXT    NULL,
    error_message       TEXT    NULL,
    retryable           INTEGER NOT NULL DEFAULT 0 CHECK (retryable IN (0, 1)),
    repair_count        INTEGER NOT NULL DEFAULT 0,
    attempts            TEXT    NOT NULL DEFAULT '[]',
    inputs              TEXT    NULL,
    raw_output          TEXT    NULL,
    output              TEXT    NULL,
    tool_calls          TEXT    NULL,
    validation_status   TEXT    NOT NULL CHECK (validation_status IN ('passed', 'failed', 'skipped')),
    validation_errors   TEXT    NOT NULL DEFAULT '[]',
    model               TEXT    NOT NULL,
    deployment          TEXT    NULL,
    input_tokens        INTEGER NOT NULL DEFAULT 0,
    output_tokens       INTEGER NOT NULL DEFAULT 0,
    cost_pusd           BIGINT  NOT NULL DEFAULT 0,
    latency_ms          DOUBLE PRECISION NOT NULL,
    cache_status        TEXT    NULL,
    streamed            INTEGER NOT NULL DEFAULT 0 CHECK (streamed IN (0, 1)),
    retry_of            TEXT COLLATE "C" NULL,
    rendered_call       TEXT    NOT NULL,
    overrides           TEXT    NULL
);

-- Listing is newest first; non-admin keys see their owner's executions; prompt pages filter by prompt.
CREATE INDEX ix_executions_created ON executions (created_at_us, id);
CREATE INDEX ix_executions_owner ON executions (owner, created_at_us, id);
CREATE INDEX ix_executions_key ON executions (key_id, created_at_us, id);
CREATE INDEX ix_executions_prompt ON executions (prompt_id, created_at_us, id);
CREATE INDEX ix_executions_retry_of ON executions (retry_of);
