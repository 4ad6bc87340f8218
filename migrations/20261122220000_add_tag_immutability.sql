-- Tag immutability: a registry-wide default, and per repository an override
-- (NULL = follow the registry's default).
ALTER TABLE registries ADD COLUMN immutable_tags_default BIGINT NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN immutable_tags BIGINT;
