//! Bytes stored: per manifest, per repository and per registry, each blob counted once.

use super::{Db, internal};
use app::domain::Error;
use sqlx::Row;
use std::collections::HashMap;

/// Blob bytes a set of manifests needs, each blob counted once: the blobs of the
/// manifests themselves and of the manifests an index lists.
pub(super) const BLOBS_OF_MANIFESTS: &str = "
    SELECT DISTINCT mr.child_digest AS digest FROM manifest_references mr
     WHERE mr.repository_id = $1 AND mr.kind = 'blob' AND mr.manifest_digest IN (SELECT d FROM wanted)
    UNION
    SELECT DISTINCT c.child_digest FROM manifest_references i
      JOIN manifest_references c ON c.repository_id = i.repository_id AND c.manifest_digest = i.child_digest AND c.kind = 'blob'
     WHERE i.repository_id = $1 AND i.kind = 'manifest' AND i.manifest_digest IN (SELECT d FROM wanted)";

impl Db {
    /// Bytes of the distinct blobs the repository's manifests reference.
    pub async fn repository_size(&self, repository_id: i64) -> Result<i64, Error> {
        sqlx::query(
            "SELECT COALESCE(SUM(b.size), 0) AS total FROM blobs b WHERE b.digest IN (
                SELECT child_digest FROM manifest_references WHERE repository_id = $1 AND kind = 'blob')",
        )
        .bind(repository_id)
        .fetch_one(&mut *self.read().await?)
        .await
        .and_then(|r| r.try_get::<i64, _>("total"))
        .map_err(internal("repository size"))
    }

    /// (repositories, tags, distinct blob bytes, last push) of a registry.
    pub async fn registry_usage(&self, registry_id: i64) -> Result<(i64, i64, i64, Option<i64>), Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM repositories WHERE registry_id = $1) AS repositories,
                    (SELECT COUNT(*) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.registry_id = $1) AS tags,
                    (SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN (
                        SELECT mr.child_digest FROM manifest_references mr JOIN repositories r ON r.id = mr.repository_id
                         WHERE r.registry_id = $1 AND mr.kind = 'blob')) AS size_bytes,
                    (SELECT MAX(last_push_at) FROM repositories WHERE registry_id = $1) AS last_push_at",
        )
        .bind(registry_id)
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("registry usage"))?;
        let get = |name| row.try_get::<i64, _>(name);
        Ok((
            get("repositories").map_err(internal("decode usage"))?,
            get("tags").map_err(internal("decode usage"))?,
            get("size_bytes").map_err(internal("decode usage"))?,
            row.try_get::<Option<i64>, _>("last_push_at").map_err(internal("decode usage"))?,
        ))
    }

    /// The stored image size of a manifest (0 when unknown).
    /// The stored image size of each of `digests` found in the repository, for an
    /// index's summary: one query per 500 listed manifests, not one per manifest.
    pub async fn manifest_image_sizes(&self, repository_id: i64, digests: &[String]) -> Result<HashMap<String, i64>, Error> {
        let mut sizes = HashMap::new();
        for chunk in digests.chunks(500) {
            let list = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
            let sql = format!("SELECT digest, COALESCE(image_size, 0) FROM manifests WHERE repository_id = $1 AND digest IN ({list})");
            let mut query = sqlx::query_as::<_, (String, i64)>(&sql).bind(repository_id);
            for digest in chunk {
                query = query.bind(digest);
            }
            sizes.extend(query.fetch_all(&mut *self.read().await?).await.map_err(internal("manifest image sizes"))?);
        }
        Ok(sizes)
    }

    /// Compressed bytes of an image: its distinct blobs (for an index, its
    /// platforms' blobs).
    pub async fn manifest_size(&self, repository_id: i64, digest: &str) -> Result<i64, Error> {
        sqlx::query(&format!(
            "WITH wanted(d) AS (SELECT $2)
             SELECT COALESCE(SUM(b.size), 0) AS total FROM blobs b WHERE b.digest IN ({BLOBS_OF_MANIFESTS})"
        ))
        .bind(repository_id)
        .bind(digest)
        .fetch_one(&mut *self.read().await?)
        .await
        .and_then(|r| r.try_get::<i64, _>("total"))
        .map_err(internal("manifest size"))
    }
}
