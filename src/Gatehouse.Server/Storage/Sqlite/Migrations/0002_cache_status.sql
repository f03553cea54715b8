-- The response cache's part in each call: hit, miss, coalesced, or NULL when the cache was not used.
ALTER TABLE request_records ADD COLUMN cache_status TEXT NULL;
