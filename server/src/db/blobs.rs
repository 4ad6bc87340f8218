//! Blobs (`blobs`: digest, size, last touched) and the repositories that link them
//! (`repository_blobs`), with what garbage collection asks of both.

use super::{Db, internal};
use app::domain::Error;
use sqlx::Row;

impl Db {
    /// The size of a stored blob, wherever it is linked.
    pub async fn blob_size(&self, digest: &str) -> Result<Option<i64>, Error> {
        let row = sqlx::query("SELECT size FROM blobs WHERE digest = $1")
            .bind(digest)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("find blob"))?;
        row.map(|r| r.try_get::<i64, _>("size")).transpose().map_err(internal("decode blob size"))
    }

    /// Whether any repository of the registry holds the blob (for mounts without `from`).
    pub async fn registry_has_blob(&self, registry_id: i64, digest: &str) -> Result<bool, Error> {
        sqlx::query(
            "SELECT 1 AS found FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id
             WHERE r.registry_id = $1 AND rb.digest = $2 LIMIT 1",
        )
        .bind(registry_id)
        .bind(digest)
        .fetch_optional(&mut *self.read().await?)
        .await
        .map(|row| row.is_some())
        .map_err(internal("find blob in registry"))
    }

    /// Records (or re-touches) a verified blob *before* its bytes are put in place,
    /// so garbage collection, which skips recently touched blobs, cannot remove it
    /// while the push is finishing.
    pub async fn touch_blob(&self, digest: &str, size: i64, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO blobs (digest, size, created_at, touched_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (digest) DO UPDATE SET touched_at = $3",
        )
        .bind(digest)
        .bind(size)
        .bind(now)
        .execute(&mut *self.write().await?)
        .await
        .map(|_| ())
        .map_err(internal("touch blob"))
    }

    /// Re-touches an existing blob (for a mount); false if it is not stored.
    pub async fn retouch_blob(&self, digest: &str, now: i64) -> Result<bool, Error> {
        sqlx::query("UPDATE blobs SET touched_at = $1 WHERE digest = $2")
            .bind(now)
            .bind(digest)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("retouch blob"))
    }

    /// Blobs no repository links and no manifest references, untouched since `before`.
    /// Blobs no manifest references and no repository has linked since `before`
    /// (a link older than that, with no manifest using the blob, protects nothing:
    /// `unlink_unreferenced_blobs` removes it).
    pub async fn unreferenced_blobs(&self, before: i64, limit: i64) -> Result<Vec<(String, i64)>, Error> {
        sqlx::query(
            "SELECT b.digest, b.size FROM blobs b
             WHERE b.touched_at < $1
               AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest AND rb.linked_at >= $1)
               AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.child_digest = b.digest)
             LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *self.read().await?)
        .await
        .and_then(|rows| rows.iter().map(|r| Ok((r.try_get("digest")?, r.try_get("size")?))).collect())
        .map_err(internal("find unreferenced blobs"))
    }

    /// Removes the links (repository → blob) made before `before` that no manifest
    /// of that repository uses: what a deleted image or an abandoned push left. A
    /// manifest push renews the links it uses in its own transaction, so a link
    /// it depends on is never removed under it.
    pub async fn unlink_unreferenced_blobs(&self, before: i64) -> Result<u64, Error> {
        sqlx::query(
            "DELETE FROM repository_blobs
             WHERE linked_at < $1
               AND NOT EXISTS (SELECT 1 FROM manifest_references mr
                               WHERE mr.repository_id = repository_blobs.repository_id
                                 AND mr.child_digest = repository_blobs.digest)",
        )
        .bind(before)
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected())
        .map_err(internal("unlink unreferenced blobs"))
    }

    /// Forgets a blob if it is still unreferenced and untouched; true if it did.
    pub async fn forget_blob(&self, digest: &str, before: i64) -> Result<bool, Error> {
        sqlx::query(
            "DELETE FROM blobs WHERE digest = $1 AND touched_at < $2
               AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = $1)
               AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.child_digest = $1)",
        )
        .bind(digest)
        .bind(before)
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(internal("forget blob"))
    }

    pub async fn blob_known(&self, digest: &str) -> Result<bool, Error> {
        Ok(self.blob_size(digest).await?.is_some())
    }

    /// The bytes of the distinct blobs the registry's repositories link (used by its
    /// images or not), and whether `digest` is among them.
    pub async fn registry_held_bytes(&self, registry_id: i64, digest: &str) -> Result<(i64, bool), Error> {
        const LINKED: &str = "SELECT rb.digest FROM repository_blobs rb JOIN repositories rp ON rp.id = rb.repository_id
                              WHERE rp.registry_id = $1";
        let row = sqlx::query(&format!(
            "SELECT (SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN ({LINKED})) AS held,
                    (SELECT COUNT(*) FROM ({LINKED} AND rb.digest = $2) linked) AS already"
        ))
        .bind(registry_id)
        .bind(digest)
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("registry held bytes"))?;
        let held: i64 = row.try_get("held").map_err(internal("decode held bytes"))?;
        let already: i64 = row.try_get("already").map_err(internal("decode held bytes"))?;
        Ok((held, already > 0))
    }

    /// Links (or links again) a blob to a repository; a link made within the grace
    /// period keeps garbage collection off the blob until a manifest uses it.
    pub async fn link_blob(&self, repository_id: i64, digest: &str, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO repository_blobs (repository_id, digest, linked_at) VALUES ($1, $2, $3)
             ON CONFLICT (repository_id, digest) DO UPDATE SET linked_at = $3",
        )
        .bind(repository_id)
        .bind(digest)
        .bind(now)
        .execute(&mut *self.write().await?)
        .await
        .map(|_| ())
        .map_err(internal("link blob"))
    }

    /// Removes the blob from a repository; false if it was not linked there.
    pub async fn unlink_blob(&self, repository_id: i64, digest: &str) -> Result<bool, Error> {
        sqlx::query("DELETE FROM repository_blobs WHERE repository_id = $1 AND digest = $2")
            .bind(repository_id)
            .bind(digest)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("unlink blob"))
    }
}
