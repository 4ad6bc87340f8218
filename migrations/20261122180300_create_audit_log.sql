-- Every state change: who, what, which resource, when, from where. Rows outlive the
-- things they describe, so there are no foreign keys; workspace_id is NULL for
-- instance-level events (users).
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    workspace_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource TEXT NOT NULL,
    detail TEXT,
    client_addr TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_workspace_time ON audit_log (workspace_id, created_at);
