-- Retention: one clean-up rule per registry that runs on a schedule, and a log of
-- every run (scheduled or started by hand, real or dry).
CREATE TABLE retention_policies (
    registry_id BIGINT PRIMARY KEY REFERENCES registries (id) ON DELETE CASCADE,
    enabled BIGINT NOT NULL,
    -- 'hourly' | 'daily' | 'weekly'
    schedule TEXT NOT NULL,
    -- The clean-up rule as JSON ({"older_than_days", "tag_pattern", "keep_latest", …}).
    rule TEXT NOT NULL,
    dry_run BIGINT NOT NULL,
    -- When a replica should run it next; claimed with a compare-and-set.
    next_run_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX retention_policies_next_run ON retention_policies (next_run_at);

CREATE TABLE retention_runs (
    id BIGINT PRIMARY KEY,
    registry_id BIGINT NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    -- 'schedule' | 'manual'
    started_by TEXT NOT NULL,
    dry_run BIGINT NOT NULL,
    rule TEXT NOT NULL,
    tags_deleted BIGINT NOT NULL,
    tags_protected BIGINT NOT NULL,
    bytes_freed BIGINT NOT NULL,
    -- JSON list of {"repository","tag","digest"} deleted (or, dry, that would be).
    tags TEXT NOT NULL,
    error TEXT
);
CREATE INDEX retention_runs_registry ON retention_runs (registry_id, started_at);

-- Garbage collection passes, for the admin page.
CREATE TABLE gc_runs (
    id BIGINT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    -- 'schedule' | 'manual' | 'deletion'
    started_by TEXT NOT NULL,
    dry_run BIGINT NOT NULL,
    blobs_removed BIGINT NOT NULL,
    bytes_reclaimed BIGINT NOT NULL
);
CREATE INDEX gc_runs_started ON gc_runs (started_at);
