-- When a blob was last committed or mounted. Garbage collection never removes a blob
-- touched within its grace period, which covers pushes that are linking it right now.
ALTER TABLE blobs ADD COLUMN touched_at BIGINT NOT NULL DEFAULT 0;
