-- Who started each upload (`user:<id>` or `robot:<id>`), so the number of uploads one
-- credential keeps open at once can be capped, as can a registry's.
ALTER TABLE uploads ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
CREATE INDEX uploads_started_by ON uploads (started_by);
CREATE INDEX uploads_registry ON uploads (registry_id);
