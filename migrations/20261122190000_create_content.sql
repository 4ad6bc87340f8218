-- Content metadata for the distribution engine. Blob bytes live in the blob store;
-- everything else (repositories, manifests, tags, links) lives here, so listings never
-- walk the filesystem.

-- Created by the first push to a name inside a registry.
CREATE TABLE repositories (
    id BIGINT PRIMARY KEY,
    registry_id BIGINT NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_push_at BIGINT,
    pulls BIGINT NOT NULL DEFAULT 0,
    last_pulled_at BIGINT,
    UNIQUE (registry_id, name)
);

-- A verified, content-addressed blob in the store.
CREATE TABLE blobs (
    digest TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Which repositories may serve which blobs (pushed there or mounted there).
CREATE TABLE repository_blobs (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    digest TEXT NOT NULL REFERENCES blobs (digest),
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX repository_blobs_digest ON repository_blobs (digest);

CREATE TABLE manifests (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    media_type TEXT NOT NULL,
    artifact_type TEXT,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    subject_digest TEXT,
    config_digest TEXT,
    annotations TEXT,
    pushed_at BIGINT NOT NULL,
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX manifests_subject ON manifests (repository_id, subject_digest);

-- What a manifest points at: blobs (config, layers) and child manifests (indexes).
-- kind: 'blob' | 'manifest'
CREATE TABLE manifest_references (
    repository_id BIGINT NOT NULL,
    manifest_digest TEXT NOT NULL,
    child_digest TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (repository_id, manifest_digest, child_digest),
    FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
);
CREATE INDEX manifest_references_child ON manifest_references (repository_id, child_digest);

CREATE TABLE tags (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    manifest_digest TEXT NOT NULL,
    pushed_at BIGINT NOT NULL,
    pulls BIGINT NOT NULL DEFAULT 0,
    last_pulled_at BIGINT,
    PRIMARY KEY (repository_id, name)
);
CREATE INDEX tags_manifest ON tags (repository_id, manifest_digest);

-- Blob uploads in progress. Keyed by id but always looked up together with the
-- registry and repository name they were started for. `size` is the number of bytes
-- accepted so far; the blob store holds the bytes.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    registry_id BIGINT NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
    repository TEXT NOT NULL,
    size BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX uploads_updated_at ON uploads (updated_at);

-- Instance-wide secrets shared by every replica (the registry token signing key).
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
