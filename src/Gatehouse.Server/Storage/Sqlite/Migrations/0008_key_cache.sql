-- Gatehouse schema, version 8: response-cache settings per virtual key (Keys/KeyCacheSettings).
-- NULL in every column means "as the model alias is configured".
--   cache_enabled      0 = the key's calls bypass the cache, 1 = they use it
--   cache_ttl_seconds  how long the key's answers are kept
--   cache_namespace    keeps the key's answers apart (header namespaces nest inside it)

ALTER TABLE virtual_keys ADD COLUMN cache_enabled INTEGER NULL CHECK (cache_enabled IN (0, 1));
ALTER TABLE virtual_keys ADD COLUMN cache_ttl_seconds INTEGER NULL CHECK (cache_ttl_seconds >= 1);
ALTER TABLE virtual_keys ADD COLUMN cache_namespace TEXT NULL;
