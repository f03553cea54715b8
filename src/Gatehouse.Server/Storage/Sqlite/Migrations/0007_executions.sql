-- Gatehouse schema, version 7: prompt executions (Executions/), one row per execution, written once
-- when it ends. Versions 5 and 6 are taken by other changes; versions need not be contiguous.
-- Conventions as in 0001: timestamps in microseconds (_us), money in pico-dollars (_pusd),
-- booleans 0/1, ids as text, lists and documents as JSON text.
--   attempts          every model call, each with its request record's id (request_records.id)
--   rendered_call     what was executed (messages, model, parameters, tools, schema, repairs): a retry runs it again
--   output            the parsed JSON output, or the text as a JSON string
--   cost_pusd         the sum over the attempts' request records, so it is counted once in each history

CREATE TABLE executions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    created_at_us       BIGINT  NOT NULL,
    completed_at_us     BIGINT  NOT NULL,
    prompt_id           TEXT    NULL,
    prompt_slug         TEXT    NULL,
    prompt_version_id   TEXT    NULL,
    label               TEXT    NULL,
    key_id              TEXT    NOT NULL,
    owner               TEXT    NULL,
    status              TEXT    NOT NULL CHECK (status IN ('completed', 'failed', 'validation_failed')),
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
    retry_of            TEXT    NULL,
    rendered_call       TEXT    NOT NULL,
    overrides           TEXT    NULL
);

-- Listing is newest first; non-admin keys see their owner's executions; prompt pages filter by prompt.
CREATE INDEX ix_executions_created ON executions (created_at_us, id);
CREATE INDEX ix_executions_owner ON executions (owner, created_at_us, id);
CREATE INDEX ix_executions_key ON executions (key_id, created_at_us, id);
CREATE INDEX ix_executions_prompt ON executions (prompt_id, created_at_us, id);
CREATE INDEX ix_executions_retry_of ON executions (retry_of);
