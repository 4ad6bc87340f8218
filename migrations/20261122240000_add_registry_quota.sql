-- An optional storage quota per registry, in bytes (NULL: none).
ALTER TABLE registries ADD COLUMN quota_bytes BIGINT;
