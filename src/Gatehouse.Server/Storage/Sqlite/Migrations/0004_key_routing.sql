-- Gatehouse schema, version 4: routing preferences per virtual key (Keys/KeyRoutingSettings).
-- NULL in every column means "as the model alias is configured".
--   routing_strategy     a RoutingStrategy name (Ordered, Weighted, LeastBusy, LowestLatency, Cheapest)
--   routing_fallback     0 = only the first deployment is tried, 1 = the whole chain
--   routing_max_retries  retries per deployment instead of its Resilience:Retries

ALTER TABLE virtual_keys ADD COLUMN routing_strategy TEXT NULL;
ALTER TABLE virtual_keys ADD COLUMN routing_fallback INTEGER NULL CHECK (routing_fallback IN (0, 1));
ALTER TABLE virtual_keys ADD COLUMN routing_max_retries INTEGER NULL CHECK (routing_max_retries >= 0);
