-- Analytics at millions of records (issue 13): hourly rollups that the admin's report (every key)
-- sums instead of scanning the range, and an index that finds one latency inside a latency bucket.
-- The same tables as PostgreSQL's 0002_analytics_rollups (see there for what each column means),
-- kept exact by a row trigger: SQLite fires AFTER INSERT only for rows actually inserted, so a
-- journal replay skipped by ON CONFLICT (id) DO NOTHING adds nothing. Request records are never
-- deleted on SQLite. The report reads whole hours here and the partial hours at the range's ends
-- from request_records. Each insert costs two small upserts more (measured in docs/benchmarks.md).

CREATE TABLE request_record_hours (
    hour_us             INTEGER NOT NULL,
    model               TEXT    NOT NULL,
    model_null          INTEGER NOT NULL CHECK (model_null IN (0, 1)),
    calls               INTEGER NOT NULL,
    succeeded           INTEGER NOT NULL,
    cost_pusd           INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    cache_eligible      INTEGER NOT NULL,
    cache_hits          INTEGER NOT NULL,
    latency_ms_sum      REAL    NOT NULL,
    tool_calls          INTEGER NOT NULL,
    tool_tokens_offered INTEGER NOT NULL,
    tool_tokens_sent    INTEGER NOT NULL,
    tools_offered       INTEGER NOT NULL,
    tools_sent          INTEGER NOT NULL,
    tool_search_rounds  INTEGER NOT NULL,
    PRIMARY KEY (hour_us, model, model_null)
) WITHOUT ROWID;

-- Calls per hour and latency bucket (two significant digits of the whole milliseconds, clamped to
-- [0, 1e15]; the arithmetic is AnalyticsSql.LatencyBucket's, written out because SQLite has no functions).
CREATE TABLE request_record_latency_hours (
    hour_us     INTEGER NOT NULL,
    bucket_ms   INTEGER NOT NULL,
    calls       INTEGER NOT NULL,
    PRIMARY KEY (hour_us, bucket_ms)
) WITHOUT ROWID;

CREATE INDEX ix_request_records_latency ON request_records (latency_ms, timestamp_us);

CREATE TRIGGER tr_request_records_rollup AFTER INSERT ON request_records
BEGIN
    INSERT INTO request_record_hours (
        hour_us, model, model_null, calls, succeeded, cost_pusd, input_tokens, output_tokens, cache_eligible, cache_hits,
        latency_ms_sum, tool_calls, tool_tokens_offered, tool_tokens_sent, tools_offered, tools_sent, tool_search_rounds)
    VALUES (
        (NEW.timestamp_us / 3600000000) * 3600000000, COALESCE(NEW.requested_model, ''), NEW.requested_model IS NULL,
        1, NEW.status_code < 400 AND NEW.error_class IS NULL, NEW.cost_pusd, NEW.input_tokens, NEW.output_tokens,
        NEW.cache_status IS NOT NULL, COALESCE(NEW.cache_status IN ('hit', 'coalesced'), 0), NEW.latency_ms,
        NEW.tools_offered IS NOT NULL,
        CASE WHEN NEW.tools_offered IS NULL THEN 0 ELSE COALESCE(NEW.tool_tokens_offered, 0) END,
        CASE WHEN NEW.tools_offered IS NULL THEN 0 ELSE COALESCE(NEW.tool_tokens_sent, 0) END,
        COALESCE(NEW.tools_offered, 0),
        CASE WHEN NEW.tools_offered IS NULL THEN 0 ELSE COALESCE(NEW.tools_sent, 0) END,
        CASE WHEN NEW.tools_offered IS NULL THEN 0 ELSE COALESCE(NEW.tool_search_rounds, 0) END)
    ON CONFLICT (hour_us, model, model_null) DO UPDATE SET
        calls = calls + excluded.calls, succeeded = succeeded + excluded.succeeded, cost_pusd = cost_pusd + excluded.cost_pusd,
        input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
        cache_eligible = cache_eligible + excluded.cache_eligible, cache_hits = cache_hits + excluded.cache_hits,
        latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum, tool_calls = tool_calls + excluded.tool_calls,
        tool_tokens_offered = tool_tokens_offered + excluded.tool_tokens_offered, tool_tokens_sent = tool_tokens_sent + excluded.tool_tokens_sent,
        tools_offered = tools_offered + excluded.tools_offered, tools_sent = tools_sent + excluded.tools_sent,
        tool_search_rounds = tool_search_rounds + excluded.tool_search_rounds;

    INSERT INTO request_record_latency_hours (hour_us, bucket_ms, calls)
    VALUES (
        (NEW.timestamp_us / 3600000000) * 3600000000,
        CASE WHEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) < 100 THEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) WHEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) < 1000 THEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) % 10 WHEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) < 10000 THEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) % 100
                WHEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) < 100000 THEN CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) % 1000 ELSE CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(NEW.latency_ms, 0), 1e15) AS INTEGER) % 10000 END,
        1)
    ON CONFLICT (hour_us, bucket_ms) DO UPDATE SET calls = calls + 1;
END;

-- The records already stored (one pass each; on a large history this runs for a while at the upgrade's first start).
INSERT INTO request_record_hours (
    hour_us, model, model_null, calls, succeeded, cost_pusd, input_tokens, output_tokens, cache_eligible, cache_hits,
    latency_ms_sum, tool_calls, tool_tokens_offered, tool_tokens_sent, tools_offered, tools_sent, tool_search_rounds)
SELECT (timestamp_us / 3600000000) * 3600000000, COALESCE(requested_model, ''), requested_model IS NULL,
       COUNT(*), SUM(status_code < 400 AND error_class IS NULL), SUM(cost_pusd), SUM(input_tokens), SUM(output_tokens),
       COUNT(cache_status), SUM(COALESCE(cache_status IN ('hit', 'coalesced'), 0)), SUM(latency_ms), COUNT(tools_offered),
       SUM(CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tool_tokens_offered, 0) END),
       SUM(CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tool_tokens_sent, 0) END),
       SUM(COALESCE(tools_offered, 0)),
       SUM(CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tools_sent, 0) END),
       SUM(CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tool_search_rounds, 0) END)
FROM request_records
GROUP BY 1, 2, 3;

INSERT INTO request_record_latency_hours (hour_us, bucket_ms, calls)
SELECT hour_us, bucket_ms, COUNT(*)
FROM (
    SELECT (timestamp_us / 3600000000) * 3600000000 AS hour_us,
           CASE WHEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) < 100 THEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) WHEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) < 1000 THEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) % 10 WHEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) < 10000 THEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) % 100
                WHEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) < 100000 THEN CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) % 1000 ELSE CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) - CAST(MIN(MAX(latency_ms, 0), 1e15) AS INTEGER) % 10000 END AS bucket_ms
    FROM request_records
) AS buckets
GROUP BY 1, 2;
