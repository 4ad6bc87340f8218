-- A registry's name is unique across the instance: it is the first path segment of
-- every image reference (HOST/REGISTRY/REPOSITORY).
-- visibility: 'private' | 'public'
CREATE TABLE registries (
    id BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL UNIQUE,
    visibility TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX registries_workspace ON registries (workspace_id);
