-- Analytics at millions of records (issue 13): hourly rollups that the admin's report (every key)
-- sums instead of scanning the range, and an index that finds one latency inside a latency bucket.
-- Both rollups hold exactly the sums of the request_records rows they cover: a statement trigger adds
-- every inserted batch (rows skipped by ON CONFLICT DO NOTHING are not in its transition table), and
-- retention (PostgreSqlRecordPartitions.DropBeforeAsync) deletes a dropped day's hours in the same
-- transaction. Rows only moved between partitions (the DEFAULT partition into a new day) are DML on
-- the partitions, which the parent's statement trigger does not see, so the sums stay as they are.
-- The report reads whole hours here and the partial hours at the range's ends from request_records.

-- One row per hour (UTC, hour_us a multiple of 3,600,000,000) and requested model. model is the
-- requested model or '' and model_null says which ('' and NULL are different models to the report).
CREATE TABLE request_record_hours (
    hour_us             BIGINT  NOT NULL,
    model               TEXT    NOT NULL,
    model_null          INTEGER NOT NULL CHECK (model_null IN (0, 1)),
    calls               BIGINT  NOT NULL,
    succeeded           BIGINT  NOT NULL,
    cost_pusd           BIGINT  NOT NULL,
    input_tokens        BIGINT  NOT NULL,
    output_tokens       BIGINT  NOT NULL,
    cache_eligible      BIGINT  NOT NULL,
    cache_hits          BIGINT  NOT NULL,
    latency_ms_sum      DOUBLE PRECISION NOT NULL,
    -- Tool prefiltering: the calls with tools_offered set, and their tool columns summed.
    tool_calls          BIGINT  NOT NULL,
    tool_tokens_offered BIGINT  NOT NULL,
    tool_tokens_sent    BIGINT  NOT NULL,
    tools_offered       BIGINT  NOT NULL,
    tools_sent          BIGINT  NOT NULL,
    tool_search_rounds  BIGINT  NOT NULL,
    PRIMARY KEY (hour_us, model, model_null)
);

-- Calls per hour and latency bucket: two significant digits of the whole milliseconds (1 ms wide
-- below 100 ms, 10 ms below 1 s, 100 ms below 10 s, 1 s below 100 s, 10 s above), clamped to
-- [0, 1e15]. A percentile's bucket comes from these counts; its exact value from the rows of that
-- bucket alone, through ix_request_records_latency.
CREATE TABLE request_record_latency_hours (
    hour_us     BIGINT NOT NULL,
    bucket_ms   BIGINT NOT NULL,
    calls       BIGINT NOT NULL,
    PRIMARY KEY (hour_us, bucket_ms)
);

CREATE INDEX ix_request_records_latency ON request_records (latency_ms, timestamp_us);

-- The bucket of a latency; the same arithmetic as SqliteAnalyticsStore's (see AnalyticsSql.LatencyBucket).
-- One expression without FROM and not STRICT, so the planner inlines it (a call per row costs ~10 us).
CREATE FUNCTION request_latency_bucket(latency_ms DOUBLE PRECISION) RETURNS BIGINT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT < 100 THEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT
                WHEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT < 1000 THEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT - floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT % 10
                WHEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT < 10000 THEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT - floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT % 100
                WHEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT < 100000 THEN floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT - floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT % 1000
                ELSE floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT - floor(LEAST(GREATEST(latency_ms, 0), 1e15))::BIGINT % 10000 END
$$;

-- Adds one inserted batch, grouped, in key order (two writers upserting the same hours lock them in
-- the same order, so they queue instead of deadlocking).
CREATE FUNCTION request_records_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO request_record_hours AS h (
        hour_us, model, model_null, calls, succeeded, cost_pusd, input_tokens, output_tokens, cache_eligible, cache_hits,
        latency_ms_sum, tool_calls, tool_tokens_offered, tool_tokens_sent, tools_offered, tools_sent, tool_search_rounds)
    SELECT (timestamp_us / 3600000000) * 3600000000, COALESCE(requested_model, ''), CASE WHEN requested_model IS NULL THEN 1 ELSE 0 END,
           COUNT(*), COUNT(*) FILTER (WHERE status_code < 400 AND error_class IS NULL), SUM(cost_pusd),
           SUM(input_tokens), SUM(output_tokens), COUNT(cache_status), COUNT(*) FILTER (WHERE cache_status IN ('hit', 'coalesced')),
           SUM(latency_ms), COUNT(tools_offered),
           COALESCE(SUM(tool_tokens_offered) FILTER (WHERE tools_offered IS NOT NULL), 0),
           COALESCE(SUM(tool_tokens_sent) FILTER (WHERE tools_offered IS NOT NULL), 0),
           COALESCE(SUM(tools_offered), 0),
           COALESCE(SUM(tools_sent) FILTER (WHERE tools_offered IS NOT NULL), 0),
           COALESCE(SUM(tool_search_rounds) FILTER (WHERE tools_offered IS NOT NULL), 0)
    FROM new_records
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (hour_us, model, model_null) DO UPDATE SET
        calls = h.calls + excluded.calls, succeeded = h.succeeded + excluded.succeeded, cost_pusd = h.cost_pusd + excluded.cost_pusd,
        input_tokens = h.input_tokens + excluded.input_tokens, output_tokens = h.output_tokens + excluded.output_tokens,
        cache_eligible = h.cache_eligible + excluded.cache_eligible, cache_hits = h.cache_hits + excluded.cache_hits,
        latency_ms_sum = h.latency_ms_sum + excluded.latency_ms_sum, tool_calls = h.tool_calls + excluded.tool_calls,
        tool_tokens_offered = h.tool_tokens_offered + excluded.tool_tokens_offered, tool_tokens_sent = h.tool_tokens_sent + excluded.tool_tokens_sent,
        tools_offered = h.tools_offered + excluded.tools_offered, tools_sent = h.tools_sent + excluded.tools_sent,
        tool_search_rounds = h.tool_search_rounds + excluded.tool_search_rounds;

    INSERT INTO request_record_latency_hours AS l (hour_us, bucket_ms, calls)
    SELECT (timestamp_us / 3600000000) * 3600000000, request_latency_bucket(latency_ms), COUNT(*)
    FROM new_records
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (hour_us, bucket_ms) DO UPDATE SET calls = l.calls + excluded.calls;
    RETURN NULL;
END
$$;

CREATE TRIGGER tr_request_records_rollup AFTER INSERT ON request_records
REFERENCING NEW TABLE AS new_records FOR EACH STATEMENT EXECUTE FUNCTION request_records_rollup();

-- The records already stored (one pass each; on a large history this runs for a while at the upgrade's first start).
INSERT INTO request_record_hours (
    hour_us, model, model_null, calls, succeeded, cost_pusd, input_tokens, output_tokens, cache_eligible, cache_hits,
    latency_ms_sum, tool_calls, tool_tokens_offered, tool_tokens_sent, tools_offered, tools_sent, tool_search_rounds)
SELECT (timestamp_us / 3600000000) * 3600000000, COALESCE(requested_model, ''), CASE WHEN requested_model IS NULL THEN 1 ELSE 0 END,
       COUNT(*), COUNT(*) FILTER (WHERE status_code < 400 AND error_class IS NULL), SUM(cost_pusd),
       SUM(input_tokens), SUM(output_tokens), COUNT(cache_status), COUNT(*) FILTER (WHERE cache_status IN ('hit', 'coalesced')),
       SUM(latency_ms), COUNT(tools_offered),
       COALESCE(SUM(tool_tokens_offered) FILTER (WHERE tools_offered IS NOT NULL), 0),
       COALESCE(SUM(tool_tokens_sent) FILTER (WHERE tools_offered IS NOT NULL), 0),
       COALESCE(SUM(tools_offered), 0),
       COALESCE(SUM(tools_sent) FILTER (WHERE tools_offered IS NOT NULL), 0),
       COALESCE(SUM(tool_search_rounds) FILTER (WHERE tools_offered IS NOT NULL), 0)
FROM request_records
GROUP BY 1, 2, 3;

INSERT INTO request_record_latency_hours (hour_us, bucket_ms, calls)
SELECT (timestamp_us / 3600000000) * 3600000000, request_latency_bucket(latency_ms), COUNT(*)
FROM request_records
GROUP BY 1, 2;
