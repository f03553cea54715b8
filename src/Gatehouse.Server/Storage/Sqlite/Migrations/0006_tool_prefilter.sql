-- Gatehouse schema, version 6: tool prefiltering (docs/tools.md).
-- request_records: what prefiltering offered and sent; NULL in all five when it did not run.
--   tools_offered        tools the client offered
--   tools_sent           the client's tools in the upstream request that answered
--   tool_tokens_offered  tokens of the client's tool definitions (o200k, compact JSON)
--   tool_tokens_sent     tool-definition tokens of every upstream request of the call, added up
--   tool_search_rounds   times the call was re-issued with more tools after the model searched
-- virtual_keys.tool_prefilter: 1 on, 0 off, NULL as the model alias is configured.

ALTER TABLE request_records ADD COLUMN tools_offered INTEGER NULL;
ALTER TABLE request_records ADD COLUMN tools_sent INTEGER NULL;
ALTER TABLE request_records ADD COLUMN tool_tokens_offered INTEGER NULL;
ALTER TABLE request_records ADD COLUMN tool_tokens_sent INTEGER NULL;
ALTER TABLE request_records ADD COLUMN tool_search_rounds INTEGER NULL;
ALTER TABLE virtual_keys ADD COLUMN tool_prefilter INTEGER NULL CHECK (tool_prefilter IN (0, 1));
