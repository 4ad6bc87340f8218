-- Indexes for repositories with many thousands of tags (measured with .ci/bench-lists):
-- the repository page lists tags newest first (and finds the newest for its pull
-- command) or most pulled first, read in index order instead of sorted;
CREATE INDEX tags_pushed ON tags (repository_id, pushed_at, name);
CREATE INDEX tags_pulls ON tags (repository_id, pulls, name);
-- sizes sum the distinct blobs of a repository's manifests from this index alone
-- (`kind` last, so lookups by manifest keep using the primary key);
DROP INDEX manifest_references_child;
CREATE INDEX manifest_references_child ON manifest_references (repository_id, child_digest, kind);
-- and untagged images are found by reading one index of the repository's manifests.
CREATE INDEX manifests_digest_subject ON manifests (repository_id, digest, subject_digest);
